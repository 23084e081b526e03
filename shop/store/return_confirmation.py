"""Confirming a pending return/exchange: checked again, then filed once.

The buyer was asked "shall I file it?" (``action_return`` remembers the request
as a JSON-safe dict, ``returns_rules.pending_from``). Filing is an irreversible
shop write, so it happens either on a confident "yes" (``actions/confirm.py``)
or when an agent presses Send on the confirmation draft (``bot/desk.py``, which
finds the pending request in the draft's facts under ``FILE_ON_SEND``). Both go
through :func:`file_pending`, and ``create_return_request`` is idempotent, so a
"yes" and a Send together still file one request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shop.db.errors import InvalidInput
from shop.policy.config import load_policy
from shop.rules.decision import Decision
from shop.rules.order_view import view_of
from shop.rules.returns import ask_from_pending, decide_return, is_eligible
from shop.store.orders import order_for_buyer
from shop.store.returns import create_return_request

# The draft fact that carries the pending request an agent's Send files.
FILE_ON_SEND = "file_on_send"
PENDING_KEYS = frozenset({"order_item_id", "order_id"})


@dataclass(frozen=True)
class Checked:
    """The pending request judged again now: ``decision`` is None when the item is gone."""

    decision: Decision | None
    order_id: str | None = None
    eligible: bool = False
    item_id: int | None = None
    already_requested: bool = False


def valid_pending(value: Any) -> dict[str, Any] | None:
    """The pending request if ``value`` has the shape one has, else None."""
    if not isinstance(value, dict) or not PENDING_KEYS <= value.keys():
        return None
    return value


def check_pending(pending: dict[str, Any], buyer_account: str, *, now: datetime, session: Session) -> Checked:
    """Judges the remembered request again (time has passed, the order may have changed)."""
    try:
        order = order_for_buyer(str(pending["order_id"]), buyer_account, session=session)
    except InvalidInput:
        order = None
    if order is None:
        return Checked(None)
    view = view_of(order)
    item = next((i for i in view.items if str(i.item_id) == str(pending["order_item_id"])), None)
    if item is None:
        return Checked(None)
    # Judge the request as if not yet recorded: a second "yes" confirms the same one.
    fresh = replace(item, request_kind=None, request_status=None)
    decision = decide_return(
        view, fresh, text="", now=now, policy=load_policy(), ask=ask_from_pending(pending)
    )
    return Checked(
        decision,
        order_id=view.order_id,
        eligible=is_eligible(decision),
        item_id=item.item_id,
        already_requested=item.request_kind is not None,
    )


def file_checked(
    checked: Checked, buyer_account: str, *, now: datetime, session: Session
) -> dict[str, Any] | None:
    """Files a checked request (once); the facts of the filed request, or None if it cannot be."""
    if checked.decision is None or checked.item_id is None:
        return None
    if not checked.eligible and not checked.already_requested:
        return None
    facts = checked.decision.facts
    request = create_return_request(
        checked.item_id,
        buyer_account,
        kind=facts["kind"],
        reason=facts.get("reason", ""),
        session=session,
        now=now,
    )
    if request is None:
        return None
    return dict(facts) | {"request_id": request.id, "request_status": request.status}


def file_pending(
    pending: dict[str, Any], buyer_account: str, *, now: datetime, session: Session
) -> dict[str, Any] | None:
    """Checks and files the pending request; its facts, or None if it can no longer be filed."""
    checked = check_pending(pending, buyer_account, now=now, session=session)
    return file_checked(checked, buyer_account, now=now, session=session)
