"""Whether and how one order item can be returned or exchanged, and on whose postage.

Pure: an :class:`~shop.rules.order_view.OrderView`, the item, the buyer's message,
``now`` and the policy in; a :class:`~shop.rules.decision.Decision` out. Windows are
counted from the sign-for time. Outside every window the reply stays polite and
an agent takes over: the shop may still make a goodwill exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shop.policy.config import ShopPolicy
from shop.rules.cues import says_quality_problem, wants_exchange
from shop.rules.decision import Decision
from shop.rules.order_view import ItemView, OrderView, as_utc, exchanges_used

NO_REASON = "no_reason"
QUALITY = "quality"
# Request statuses that mean the item is already being handled.
_LIVE = frozenset({"requested", "approved"})


@dataclass(frozen=True)
class ReturnAsk:
    """What the buyer asked for, read from her message."""

    kind: str  # "return" | "exchange"
    quality: bool


def read_request(text: str) -> ReturnAsk:
    return ReturnAsk(
        kind="exchange" if wants_exchange(text) else "return",
        quality=says_quality_problem(text),
    )


def choose_item(
    order: OrderView, *, product_code: str | None = None, color: str | None = None, text: str = ""
) -> ItemView | None:
    """The order line meant: the one matching the product or colour, else the first."""
    for item in order.items:
        if product_code and item.product_code == product_code:
            return item
    for item in order.items:
        if (color and item.color == color) or (item.product_name and item.product_name in text):
            return item
    return order.items[0] if order.items else None


def _facts(order: OrderView, item: ItemView, ask: ReturnAsk, policy: ShopPolicy) -> dict:
    rules = policy.returns
    return {
        "order_id": order.order_id,
        "order_item_id": item.item_id,
        "product": item.product_name,
        "product_code": item.product_code,
        "color": item.color,
        "size": item.size,
        "status": order.status,
        "kind": ask.kind,
        "no_reason_days": rules.no_reason_days,
        "quality_days": rules.quality_issue_days,
        "condition": rules.condition,
        "refund_processed": rules.refund_processed,
        "insurance": order.return_shipping_insurance,
        "insurance_payout_days": rules.insurance_payout_days,
        "exchanges_allowed": rules.exchanges_per_order_without_fault,
    }


def _before_delivery(order: OrderView, facts: dict) -> Decision:
    if order.status == "awaiting_payment":
        # Nothing was paid: an unpaid order simply closes by itself.
        return Decision("return_order_unpaid", "return_order_unpaid", facts)
    if order.status == "closed":
        return Decision(
            "return_order_closed", "return_order_closed", facts, handoff_reason="return_order_closed"
        )
    # Paid or on its way: the window only starts at sign-for; if she no longer
    # wants it, an agent can try to stop the dispatch or intercept the parcel.
    return Decision(
        "return_not_delivered",
        "return_not_delivered",
        facts,
        handoff_reason="return_before_delivery",
    )


def _passed(facts: dict, *, quality_open: bool) -> Decision:
    if quality_open:
        # Past the no-reason window but a quality problem is still covered:
        # invite her to describe it rather than hand over at once.
        return Decision("return_window_passed", "return_window_passed_quality_open", facts)
    return Decision(
        "return_window_passed",
        "return_window_passed",
        facts,
        handoff_reason="return_window_passed",
    )


def decide_return(
    order: OrderView,
    item: ItemView,
    *,
    text: str,
    now: datetime,
    policy: ShopPolicy,
    ask: ReturnAsk | None = None,
) -> Decision:
    """The reply for a return or exchange request on one item.

    ``ask`` overrides what is read from ``text``: on confirmation the message is
    just "是", and what she asked for earlier is what counts.
    """
    ask = ask or read_request(text)
    facts = _facts(order, item, ask, policy)
    if order.status != "delivered":
        return _before_delivery(order, facts)
    if item.request_status in _LIVE:
        facts["request_kind"] = item.request_kind or ask.kind
        return Decision("return_already_requested", "return_already_requested", facts)
    signed = order.signed_at or (order.latest_event.at if order.latest_event else None)
    if signed is None:
        # Delivered without a sign-for time: the window cannot be counted.
        return Decision(
            "return_sign_time_unknown", "return_needs_check", facts, handoff_reason="no_sign_time"
        )
    elapsed = as_utc(now) - as_utc(signed)
    facts["days_since_signed"] = max(0, elapsed.days)
    rules = policy.returns
    in_quality = elapsed <= timedelta(days=rules.quality_issue_days)
    in_no_reason = elapsed <= timedelta(days=rules.no_reason_days)

    if ask.quality:
        if not in_quality:
            return _passed(facts, quality_open=False)
        # Our fault: we pay the postage both ways, whatever the insurance.
        facts |= {"reason": QUALITY, "postage_payer": "seller"}
        return Decision("return_quality_ok", "return_quality_ok", facts)
    if not item.no_reason_return:
        if not in_quality:
            return _passed(facts, quality_open=False)
        return Decision("return_not_allowed_hygiene", "return_not_allowed_hygiene", facts)
    if not in_no_reason:
        return _passed(facts, quality_open=in_quality)

    payer = "insurer" if order.return_shipping_insurance else rules.no_reason_return_shipping_paid_by
    facts |= {"reason": NO_REASON, "postage_payer": payer}
    suffix = "_insured" if payer == "insurer" else ""
    if ask.kind == "exchange":
        used = exchanges_used(order)
        facts["exchanges_used"] = used
        if used >= rules.exchanges_per_order_without_fault:
            return Decision(
                "exchange_limit_reached",
                "exchange_limit_reached",
                facts,
                handoff_reason="exchange_limit_reached",
            )
        return Decision("exchange_no_reason_ok", f"exchange_no_reason_ok{suffix}", facts)
    return Decision("return_no_reason_ok", f"return_no_reason_ok{suffix}", facts)


def is_eligible(decision: Decision) -> bool:
    """A request the buyer may confirm now (the action then asks her to confirm)."""
    return decision.rule in {"return_quality_ok", "return_no_reason_ok", "exchange_no_reason_ok"}


def pending_from(decision: Decision) -> dict[str, object]:
    """The JSON-safe slot value remembered while the buyer confirms."""
    facts = decision.facts
    return {
        "order_item_id": facts["order_item_id"],
        "order_id": facts["order_id"],
        "kind": facts["kind"],
        "reason": facts["reason"],
    }


def ask_from_pending(pending: dict[str, object]) -> ReturnAsk:
    """What the buyer asked for, as remembered in the ``pending_return`` slot."""
    kind = "exchange" if pending.get("kind") == "exchange" else "return"
    return ReturnAsk(kind=kind, quality=pending.get("reason") == QUALITY)


def confirmed_reply(decision: Decision) -> str:
    """The template (without ``utter_``) that confirms a created request."""
    facts = decision.facts
    if facts.get("reason") == QUALITY:
        return "quality_request_confirmed"
    if facts.get("kind") == "exchange":
        return "exchange_confirmed"
    if facts.get("postage_payer") == "insurer":
        return "return_confirmed_insured"
    return "return_confirmed"
