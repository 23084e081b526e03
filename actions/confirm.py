"""Yes / no answers (intents affirm, deny): confirm or cancel a pending return.

``action_return`` leaves the request in the ``pending_return`` slot. On "是"
the request is checked again (time has passed, the slot may be stale) and
recorded through the idempotent ``shop.returns.create_return_request``, so a
repeated "是" never records a second one.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from actions.base import Context, Draft, Reply, ShopAction
from actions.post_sale_common import from_decision, link_needed, slot
from shop.errors import InvalidInput
from shop.order_view import view_of
from shop.orders import order_for_buyer
from shop.policy_config import load_policy
from shop.returns import create_return_request
from shop.returns_rules import ask_from_pending, confirmed_reply, decide_return, is_eligible

_CLEAR = slot("pending_return", None)


def pending_of(ctx: Context) -> dict[str, Any] | None:
    """The pending request from the slot (a dict, or its JSON text), else None."""
    value = ctx.slots.get("pending_return")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, dict) or not {"order_item_id", "order_id"} <= value.keys():
        return None
    return value


def _not_found() -> Draft:
    return Draft([Reply("utter_order_not_found")], rule="order_not_found", facts={}, events=[_CLEAR])


def confirm_pending(ctx: Context, pending: dict[str, Any], *, session: Session) -> Draft:
    """Re-checks the pending request and records it (once)."""
    try:
        order = order_for_buyer(str(pending["order_id"]), ctx.buyer, session=session)
    except InvalidInput:
        order = None
    if order is None:
        return _not_found()
    view = view_of(order)
    item = next((i for i in view.items if str(i.item_id) == str(pending["order_item_id"])), None)
    if item is None:
        return _not_found()
    # Judge the request as if not yet recorded: a second "是" confirms the same one.
    fresh = replace(item, request_kind=None, request_status=None)
    decision = decide_return(
        view, fresh, text="", now=ctx.now, policy=load_policy(), ask=ask_from_pending(pending)
    )
    if not is_eligible(decision) and item.request_kind is None:
        # The window closed (or the order changed) since the question: say why.
        return from_decision(decision, how="pending_return", events=[_CLEAR])
    request = create_return_request(
        item.item_id,
        ctx.buyer,
        kind=decision.facts["kind"],
        reason=decision.facts.get("reason", ""),
        session=session,
        now=ctx.now,
    )
    if request is None:
        return _not_found()
    facts = dict(decision.facts) | {"request_id": request.id, "request_status": request.status}
    quality = decision.facts.get("reason") == "quality"
    return Draft(
        [Reply(f"utter_{confirmed_reply(decision)}", facts)],
        rule="return_request_created",
        facts=facts,
        # Quality claims need a person to look at the photos and arrange the pickup.
        handoff=quality,
        handoff_reason="quality_claim_review" if quality else None,
        events=[_CLEAR, slot("order_id", view.order_id)],
    )


class ActionAffirm(ShopAction):
    """ "是": records a pending return/exchange, else a short acknowledgement."""

    def name(self) -> str:
        return "action_affirm"

    def draft(self, ctx: Context, *, session: Session) -> Draft:
        pending = pending_of(ctx)
        if pending is None:
            return Draft([Reply("utter_affirm_ack")], rule="acknowledged", facts={})
        if ctx.buyer is None:
            draft = link_needed()
            draft.events.append(_CLEAR)
            return draft
        return confirm_pending(ctx, pending, session=session)


class ActionDeny(ShopAction):
    """ "不用了": drops a pending return/exchange, else a short acknowledgement."""

    needs_buyer = False

    def name(self) -> str:
        return "action_deny"

    def draft(self, ctx: Context, *, session: Session) -> Draft:
        pending = pending_of(ctx)
        if pending is None:
            return Draft([Reply("utter_deny_ack")], rule="acknowledged", facts={})
        facts = {"order_id": pending.get("order_id"), "kind": pending.get("kind")}
        return Draft([Reply("utter_return_cancelled")], rule="return_cancelled", facts=facts, events=[_CLEAR])
