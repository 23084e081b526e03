"""Address changes (intent change_address): adapter around ``shop.rules.address``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, ShopAction
from actions.post_sale_common import buyer_orders, from_decision, hints_from, link_needed, slot, unresolved
from shop.rules.address import decide_address_change
from shop.rules.order_choice import CHOSEN, choose_order
from shop.rules.order_view import OPEN_STATUSES


class ActionChangeAddress(ShopAction):
    """Collects a new address for an agent to apply (or to pass on to the courier)."""

    def name(self) -> str:
        return "action_change_address"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        if ctx.buyer is None:
            return link_needed()
        # Only orders not yet delivered can still be redirected: prefer those.
        choice = choose_order(buyer_orders(ctx.buyer, session=session), hints_from(ctx), prefer=OPEN_STATUSES)
        if choice.kind != CHOSEN:
            return unresolved(choice)
        decision = decide_address_change(choice.order)
        return from_decision(decision, how=choice.how, events=[slot("order_id", choice.order.order_id)])
