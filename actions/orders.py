"""Order status questions (intent ask_order_status): adapter around ``shop.order_status``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import Context, Draft, ShopAction
from actions.post_sale_common import (
    buyer_orders,
    ensure_follow_up,
    from_decision,
    hints_from,
    link_needed,
    slot,
    unresolved,
)
from shop.order_choice import CHOSEN, choose_order
from shop.order_status import decide_status
from shop.order_view import OPEN_STATUSES
from shop.policy_config import load_policy


class ActionOrderStatus(ShopAction):
    """Tells a linked buyer where her order is; a guest is asked to link first."""

    def name(self) -> str:
        return "action_order_status"

    def draft(self, ctx: Context, *, session: Session) -> Draft:
        if ctx.buyer is None:
            return link_needed()
        choice = choose_order(buyer_orders(ctx.buyer, session=session), hints_from(ctx), prefer=OPEN_STATUSES)
        if choice.kind != CHOSEN:
            return unresolved(choice)
        order = choice.order
        decision = decide_status(order, text=ctx.text, now=ctx.now, policy=load_policy())
        draft = from_decision(decision, how=choice.how, events=[slot("order_id", order.order_id)])
        if decision.follow_up is not None:
            task_id = ensure_follow_up(ctx, order.order_id, decision.follow_up, session=session)
            draft.facts["follow_up_task_id"] = task_id
        return draft
