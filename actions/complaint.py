"""Complaints (intent complain): empathy first, no blame, an agent takes over."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction


class ActionComplain(ShopAction):
    """Apologises and hands the conversation to an agent with what we know."""

    def name(self) -> str:
        return "action_complain"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        # The agent gets the buyer and whatever the buyer already named, so
        # she does not have to ask again.
        facts = {
            "buyer": ctx.buyer,
            "order_id": ctx.value("order_id"),
            "product_code": ctx.value("product_code"),
        }
        return ActionDraft(
            [Reply("utter_complain")],
            rule="complaint_handoff",
            facts=facts,
            handoff=True,
            handoff_reason="complaint",
        )
