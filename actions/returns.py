"""Return and exchange requests (intent request_return): adapter around ``shop.rules.returns``.

A question about the rules (7-day returns, who pays the return postage) is
answered from the policy for anyone (actions/policy_answers.py). When a request is allowed, the buyer is asked to confirm; what she asked for
is remembered in the ``pending_return`` slot until ``action_affirm`` or
``action_deny`` (actions/confirm.py) answers it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, ShopAction
from actions.policy_answers import return_policy_draft
from actions.post_sale_common import buyer_orders, from_decision, hints_from, link_needed, slot, unresolved
from shop.policy.config import load_policy
from shop.rules.order_choice import CHOSEN, NOT_FOUND, OrderChoice, choose_order
from shop.rules.policy_questions import return_policy_topics
from shop.rules.returns import choose_item, decide_return, is_eligible, pending_from

# A return is about a parcel she has: delivered orders first.
RETURNABLE = frozenset({"delivered"})
# How an order was chosen when the message itself names it (not by elimination).
NAMED_ORDER = frozenset({"order_id", "tracking_number", "product"})


class ActionReturn(ShopAction):
    """Says whether the item can be returned or exchanged, and asks to confirm if so."""

    def name(self) -> str:
        return "action_return"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        orders = buyer_orders(ctx.buyer, session=session) if ctx.buyer is not None else []
        choice = choose_order(orders, hints_from(ctx), prefer=RETURNABLE)
        # "支持七天无理由吗" / "退货运费谁出": the rule, for anyone; a request about an order
        # (its number, or a product she bought: "这件毛衣可以退吗") needs that order.
        named = ctx.entity("order_id") is not None or choice.how in NAMED_ORDER
        topics = return_policy_topics(ctx.text, order_named=named, has_orders=bool(orders))
        if topics:
            return return_policy_draft(ctx, topics, session=session)
        if ctx.buyer is None:
            return link_needed()
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
