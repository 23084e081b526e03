"""Order status questions (intent ask_order_status): adapter around ``shop.rules.order_status``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from actions.policy_answers import dispatch_policy_draft
from actions.post_sale_common import (
    buyer_orders,
    follow_up_request,
    from_decision,
    hints_from,
    link_needed,
    slot,
    unresolved,
)
from shop.policy.config import load_policy
from shop.policy.vocabulary import load_vocabulary
from shop.rules.cues import asks_where_parcel
from shop.rules.order_choice import CHOSEN, SEVERAL, OrderChoice, choose_order, choose_parcel
from shop.rules.order_status import decide_parcels, decide_status
from shop.rules.order_view import OPEN_STATUSES
from shop.rules.policy_questions import asks_dispatch_rule

# Sent after the parcels summary when one of them has gone quiet.
PARCELS_STALE = "utter_parcels_stale"
# Sent after the answer about an order shipped in several parcels when one has gone quiet.
ORDER_PARCEL_STALE = "utter_order_parcels_stale"


class ActionOrderStatus(ShopAction):
    """Tells a linked buyer where her order is; a guest is asked to link first.

    How soon an order is shipped, asked before buying, is answered for anyone.
    """

    def name(self) -> str:
        return "action_order_status"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        orders = buyer_orders(ctx.buyer, session=session) if ctx.buyer is not None else []
        # "今天拍什么时候发货": the dispatch promise, for anyone; "我的发了吗" needs her order.
        # A guest may well have orders ("发货了吗" is then about one): only a cue counts for her.
        may_have_orders = ctx.buyer is None or bool(orders)
        named = ctx.entity("order_id") is not None
        if asks_dispatch_rule(ctx.text, order_named=named, has_orders=may_have_orders):
            return dispatch_policy_draft()
        if ctx.buyer is None:
            return link_needed()
        if asks_where_parcel(ctx.text):
            choice = choose_parcel(orders, hints_from(ctx))
        else:
            choice = choose_order(orders, hints_from(ctx), prefer=OPEN_STATUSES)
        if choice.kind == SEVERAL:
            return _parcels_draft(ctx, choice, session=session)
        if choice.kind != CHOSEN:
            return unresolved(choice)
        order = choice.order
        decision = decide_status(order, text=ctx.text, now=ctx.now, policy=load_policy())
        draft = from_decision(decision, how=choice.how, events=[slot("order_id", order.order_id)])
        if "parcel_count" in decision.facts:
            _word_parcels(draft)
        if decision.follow_up is not None:
            draft.follow_ups = [follow_up_request(order.order_id, decision.follow_up)]
        return draft


def _word_parcels(draft: ActionDraft) -> None:
    """An order shipped in several parcels: each parcel as a line of the reply, and a note for a quiet one.

    The template gets the flat words only; the draft keeps the per-parcel facts.
    """
    vocab = load_vocabulary()
    facts = draft.facts
    lines = []
    for n, parcel in enumerate(facts["parcels"], start=1):
        event = parcel["latest_event"]
        progress = (
            vocab.piece("parcel_latest_scan", event=event) if event else vocab.piece("parcel_not_scanned")
        )
        lines.append(
            vocab.piece(
                "parcel_line",
                n=n,
                courier=parcel["courier"],
                tracking_no=parcel["tracking_no"],
                progress=progress,
            )
        )
    words = {key: value for key, value in facts.items() if not isinstance(value, list)}
    words["parcel_list"] = vocab.join(lines, "parcel_separator")
    draft.replies = [Reply(draft.replies[0].response, words)]
    if facts["stale_tracking_nos"] and draft.follow_up is not None:
        stale = vocab.join(facts["stale_tracking_nos"])
        draft.replies.append(Reply(ORDER_PARCEL_STALE, {**words, "stale_tracking_nos": stale}))


def _parcels_draft(ctx: Context, choice: OrderChoice, *, session: Session) -> ActionDraft:
    """Several parcels on the way: one summary, plus an apology for any that went quiet."""
    decision = decide_parcels(choice.candidates, now=ctx.now, policy=load_policy())
    facts = dict(decision.facts)
    facts["chosen_by"] = choice.how
    # The template gets the flat words only; the draft keeps the per-parcel facts.
    words = {key: value for key, value in facts.items() if not isinstance(value, list)}
    replies = [Reply(decision.response, words)]
    stale_ids = facts["stale_order_ids"]
    follow_ups = []
    if stale_ids:
        stale = [order for order in choice.candidates if order.order_id in stale_ids]
        stale_words = {**words, "stale_products": load_vocabulary().join(o.product_label for o in stale)}
        replies.append(Reply(PARCELS_STALE, stale_words))
        follow_ups = [follow_up_request(order.order_id, decision.follow_up) for order in stale]
    return ActionDraft(
        replies,
        rule=decision.rule,
        facts=facts,
        handoff=decision.handoff,
        handoff_reason=decision.handoff_reason,
        follow_up=decision.follow_up,
        # Several orders were answered: none of them becomes "the" order of the chat.
        events=[],
        follow_ups=follow_ups,
    )
