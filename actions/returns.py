"""Return and exchange requests (intent request_return): adapter around ``shop.rules.returns``.

When the request is allowed, the buyer is asked to confirm; what she asked for
is remembered in the ``pending_return`` slot until ``action_affirm`` or
``action_deny`` (actions/confirm.py) answers it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, ShopAction
from actions.post_sale_common import buyer_orders, from_decision, hints_from, link_needed, slot, unresolved
from shop.policy.config import load_policy
from shop.rules.order_choice import CHOSEN, NOT_FOUND, OrderChoice, choose_order
from shop.rules.returns import choose_item, decide_return, is_eligible, pending_from

# A return is about a parcel she has: delivered orders first.
RETURNABLE = frozenset({"delivered"})


class ActionReturn(ShopAction):
    """Says whether the item can be returned or exchanged, and asks to confirm if so."""

    def name(self) -> str:
        return "action_return"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        if ctx.buyer is None:
            return link_needed()
        choice = choose_order(buyer_orders(ctx.buyer, session=session), hints_from(ctx), prefer=RETURNABLE)
        if choice.kind != CHOSEN:
            return unresolved(choice)
        order = choice.order
        item = choose_item(
            order, product_code=ctx.entity("product_code"), color=ctx.entity("color"), text=ctx.text
        )
        if item is None:  # an order without lines: nothing to decide on, a person looks
            return unresolved(OrderChoice(NOT_FOUND))
        decision = decide_return(order, item, text=ctx.text, now=ctx.now, policy=load_policy())
        # A new question replaces any earlier pending request, eligible or not.
        pending = pending_from(decision) if is_eligible(decision) else None
        events = [slot("order_id", order.order_id), slot("pending_return", pending)]
        draft = from_decision(decision, how=choice.how, events=events)
        draft.facts["awaiting_confirmation"] = pending is not None
        return draft
