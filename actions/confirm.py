"""Yes / no answers (intents affirm, deny): confirm or cancel a pending return.

``action_return`` leaves the request in the ``pending_return`` slot. On "是"
the request is checked again (time has passed, the slot may be stale) and
filed through ``shop.store.return_confirmation`` (idempotent: a repeated "是" never
records a second one). Filing cannot be undone, so a "yes" the model is not
sure of (below ``returns.file_on_affirm_confidence`` in responses/policy.yml;
an emoji or "？" can look like a weak yes) files nothing: the confirmation
draft goes to an agent, carrying the pending request in its facts, and the
agent's Send files it (bot/desk.py). The slot stays pending meanwhile.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from actions.post_sale_common import from_decision, link_needed, slot
from shop.policy.config import load_policy
from shop.rules.returns import confirmed_reply
from shop.store.return_confirmation import FILE_ON_SEND, check_pending, file_checked, valid_pending

_CLEAR = slot("pending_return", None)


def pending_of(ctx: Context) -> dict[str, Any] | None:
    """The pending request from the slot (a dict, or its JSON text), else None."""
    value = ctx.slots.get("pending_return")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return valid_pending(value)


def _not_found() -> ActionDraft:
    return ActionDraft([Reply("utter_order_not_found")], rule="order_not_found", facts={}, events=[_CLEAR])


def confirm_pending(ctx: Context, pending: dict[str, Any], *, session: Session) -> ActionDraft:
    """Re-checks the pending request and records it (once), or asks an agent when unsure."""
    assert ctx.buyer is not None
    checked = check_pending(pending, ctx.buyer, now=ctx.now, session=session)
    decision = checked.decision
    if decision is None:
        return _not_found()
    if not checked.eligible and not checked.already_requested:
        # The window closed (or the order changed) since the question: say why.
        return from_decision(decision, how="pending_return", events=[_CLEAR])
    reply = f"utter_{confirmed_reply(decision)}"
    if not checked.already_requested and ctx.confidence < load_policy().returns.file_on_affirm_confidence:
        facts = dict(decision.facts) | {FILE_ON_SEND: dict(pending), "affirm_confidence": ctx.confidence}
        return ActionDraft(
            [Reply(reply, facts)],
            rule="return_confirmation_unsure",
            facts=facts,
            handoff=True,
            handoff_reason="unsure_confirmation",
            events=[slot("order_id", checked.order_id)],  # pending_return stays pending
        )
    facts = file_checked(checked, ctx.buyer, now=ctx.now, session=session)
    if facts is None:
        return _not_found()
    quality = decision.facts.get("reason") == "quality"
    return ActionDraft(
        [Reply(reply, facts)],
        rule="return_request_created",
        facts=facts,
        # Quality claims need a person to look at the photos and arrange the pickup.
        handoff=quality,
        handoff_reason="quality_claim_review" if quality else None,
        events=[_CLEAR, slot("order_id", checked.order_id)],
    )


class ActionAffirm(ShopAction):
    """ "是": records a pending return/exchange, else a short acknowledgement."""

    def name(self) -> str:
        return "action_affirm"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        pending = pending_of(ctx)
        if pending is None:
            return ActionDraft([Reply("utter_affirm_ack")], rule="acknowledged", facts={})
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

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        pending = pending_of(ctx)
        if pending is None:
            return ActionDraft([Reply("utter_deny_ack")], rule="acknowledged", facts={})
        facts = {"order_id": pending.get("order_id"), "kind": pending.get("kind")}
        return ActionDraft(
            [Reply("utter_return_cancelled")], rule="return_cancelled", facts=facts, events=[_CLEAR]
        )
