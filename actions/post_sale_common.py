"""Helpers shared by the post-sale actions (orders, returns, confirm, address).

No actions here (rasa-sdk imports this module and finds none to register).
The decisions come from the pure ``shop`` modules; this turns them into Drafts
and reads the buyer's orders through the data layer, which is owner-checked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply
from shop.policy.vocabulary import load_vocabulary
from shop.rules.decision import Decision
from shop.rules.order_choice import ASK, NO_ORDERS, OrderChoice, OrderHints
from shop.rules.order_view import OrderView, view_of
from shop.store.orders import orders_for_buyer


def slot(name: str, value: Any) -> dict[str, Any]:
    """A SlotSet event as a plain dict (what rasa-sdk sends back)."""
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def link_needed() -> ActionDraft:
    """A guest asks about orders: order info goes only to the account that placed it."""
    return ActionDraft([Reply("utter_link_needed")], rule="link_needed", facts={})


def buyer_orders(buyer: str, *, session: Session) -> list[OrderView]:
    """The buyer's orders as snapshots, most recent first."""
    return [view_of(order) for order in orders_for_buyer(buyer, session=session)]


def hints_from(ctx: Context) -> OrderHints:
    """This message's entities and the slots remembered from earlier turns."""
    return OrderHints(
        text=ctx.text,
        order_id=ctx.entity("order_id"),
        product_code=ctx.entity("product_code"),
        color=ctx.entity("color"),
        remembered_order_id=ctx.slots.get("order_id"),
        remembered_product_code=ctx.slots.get("product_code"),
        tracking_number=ctx.entity("tracking_number"),
    )


def unresolved(choice: OrderChoice) -> ActionDraft:
    """The draft when no single order was chosen: ask which, or say it was not found.

    A not-found answer carries no facts at all, so an order of another buyer
    and a number that does not exist produce identical drafts.
    """
    if choice.kind == ASK:
        listed = load_vocabulary().join(order.product_label for order in choice.candidates)
        facts = {
            "order_list": listed,
            "candidates": [order.order_id for order in choice.candidates],
        }
        return ActionDraft([Reply("utter_ask_which_order", facts)], rule="ask_which_order", facts=facts)
    if choice.kind == NO_ORDERS:
        return ActionDraft([Reply("utter_no_orders")], rule="no_orders", facts={})
    # Forget a number that led nowhere so a later "那退货呢" does not reuse it.
    return ActionDraft(
        [Reply("utter_order_not_found")],
        rule="order_not_found",
        facts={},
        events=[slot("order_id", None)],
    )


def from_decision(decision: Decision, *, how: str | None, events: list[dict[str, Any]]) -> ActionDraft:
    """A ActionDraft that sends the decision's template with its facts."""
    facts = dict(decision.facts)
    if how is not None:
        facts["chosen_by"] = how
    return ActionDraft(
        [Reply(decision.response, facts)],
        rule=decision.rule,
        facts=facts,
        handoff=decision.handoff,
        handoff_reason=decision.handoff_reason,
        follow_up=decision.follow_up,
        events=events,
    )


def follow_up_request(order_id: str, reason: str) -> dict[str, str]:
    """An agent task for the draft's metadata: the desk creates it (once per open order and reason)."""
    return {"order_id": order_id, "reason": reason}
