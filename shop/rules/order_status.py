"""What to tell a buyer about one of her orders, given its status and the time.

Pure: takes an :class:`~shop.rules.order_view.OrderView`, the buyer's message, ``now``
and the policy; returns a :class:`~shop.rules.decision.Decision`. Never a delivery
date: only the usual transit time from the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shop.policy.config import ShopPolicy
from shop.rules.cues import says_not_received
from shop.rules.decision import Decision
from shop.rules.order_view import OrderView, ParcelView, as_utc, hours_between


def _round_hours(hours: float) -> int:
    # Half-up rounding: a demo built a few minutes ago still reads "28 hours left".
    return int(hours + 0.5)


def base_facts(order: OrderView) -> dict[str, object]:
    """Facts every order reply may use."""
    return {"order_id": order.order_id, "product": order.product_label, "status": order.status}


def shipment_facts(order: OrderView) -> dict[str, object]:
    latest = order.latest_event
    return {
        "courier": order.courier or "",
        "tracking_no": order.tracking_no or "",
        "latest_event": latest.text if latest is not None else "",
    }


def _paid(order: OrderView, now: datetime, policy: ShopPolicy) -> Decision:
    promise = policy.shipping.dispatch_within_hours
    paid_at = order.paid_at or order.created_at or as_utc(now)
    elapsed = hours_between(paid_at, now)
    facts = base_facts(order) | {"dispatch_hours": promise, "hours_since_paid": int(elapsed)}
    if elapsed < promise:
        left = max(1, _round_hours(promise - elapsed))
        return Decision("order_paid_within_promise", "order_paid", facts | {"hours_left": left})
    overdue = facts | {"hours_overdue": max(1, _round_hours(elapsed - promise))}
    return Decision("order_paid_overdue", "order_paid_overdue", overdue, handoff_reason="dispatch_overdue")


def _hours_quiet(parcel: OrderView | ParcelView, now: datetime) -> float:
    """Hours since the parcel's last scan, or since dispatch before any (0 when neither is known)."""
    latest = parcel.latest_event
    last_update = latest.at if latest is not None else parcel.shipped_at
    return hours_between(last_update, now) if last_update is not None else 0.0


def _shipped(order: OrderView, now: datetime, policy: ShopPolicy) -> Decision:
    low, high = policy.shipping.transit_days
    facts = base_facts(order) | shipment_facts(order) | {"transit_min": low, "transit_max": high}
    quiet = _hours_quiet(order, now)
    stale_after = policy.shipping.stale_tracking_hours
    if quiet >= stale_after:
        # A parcel that has not been scanned for this long may be stuck or lost:
        # apologise, let an agent take over and leave them a task to chase the courier.
        facts |= {"stale_hours": stale_after, "hours_since_update": int(quiet)}
        return Decision(
            "tracking_stale",
            "tracking_stale",
            facts,
            handoff_reason="tracking_stale",
            follow_up="tracking_stale",
        )
    return Decision("order_shipped", "order_shipped", facts)


def _delivered(order: OrderView, text: str, now: datetime) -> Decision:
    facts = base_facts(order) | shipment_facts(order)
    signed = order.signed_at or (order.latest_event.at if order.latest_event else None)
    facts["signed_days_ago"] = int(hours_between(signed, now) // 24) if signed else 0
    # The last scan says who signed (本人, 快递柜, ...): the buyer checks there first.
    facts["signed_event"] = facts["latest_event"]
    if says_not_received(text):
        return Decision(
            "delivered_not_received",
            "delivered_not_received",
            facts,
            handoff_reason="delivered_not_received",
        )
    return Decision("order_delivered", "order_delivered", facts)


def _parcel_is_stale(parcel: ParcelView, now: datetime, policy: ShopPolicy) -> bool:
    """The same rule as a one-parcel order's (`_shipped`), for a parcel not signed for yet."""
    return parcel.signed_at is None and _hours_quiet(parcel, now) >= policy.shipping.stale_tracking_hours


def _split(order: OrderView, text: str, now: datetime, policy: ShopPolicy) -> Decision:
    """An order shipped in several parcels (拆单/分批发货): every parcel, with its latest scan.

    Facts: ``parcels`` (each one's courier, waybill, latest scan or "", signed
    and stale flags; the action words them), ``parcel_count`` and
    ``stale_tracking_nos``. A parcel gone quiet hands the reply to an agent with
    a follow-up task, as a single stale parcel does.
    """
    low, high = policy.shipping.transit_days
    parcels = [
        {
            "courier": parcel.courier,
            "tracking_no": parcel.tracking_no,
            "latest_event": parcel.latest_event.text if parcel.latest_event is not None else "",
            "signed": parcel.signed_at is not None,
            "stale": _parcel_is_stale(parcel, now, policy),
        }
        for parcel in order.parcels
    ]
    stale = [parcel["tracking_no"] for parcel in parcels if parcel["stale"]]
    facts = base_facts(order) | {
        "parcels": parcels,
        "parcel_count": len(parcels),
        "transit_min": low,
        "transit_max": high,
        "stale_hours": policy.shipping.stale_tracking_hours,
        "stale_tracking_nos": stale,
    }
    if order.status == "delivered":
        if says_not_received(text):
            return Decision(
                "delivered_not_received",
                "order_parcels_not_received",
                facts,
                handoff_reason="delivered_not_received",
            )
        return Decision("order_parcels_delivered", "order_parcels_delivered", facts)
    if stale:
        return Decision(
            "order_parcels_with_stale",
            "order_parcels",
            facts,
            handoff_reason="tracking_stale",
            follow_up="tracking_stale",
        )
    return Decision("order_parcels", "order_parcels", facts)


def decide_status(order: OrderView, *, text: str, now: datetime, policy: ShopPolicy) -> Decision:
    """The reply for an order status question."""
    if order.split and order.status in ("shipped", "delivered"):
        return _split(order, text, now, policy)
    if order.status == "awaiting_payment":
        return Decision("order_awaiting_payment", "order_awaiting_payment", base_facts(order))
    if order.status == "paid":
        return _paid(order, now, policy)
    if order.status == "shipped":
        return _shipped(order, now, policy)
    if order.status == "delivered":
        return _delivered(order, text, now)
    if order.status == "closed":
        return Decision("order_closed", "order_closed", base_facts(order))
    # A status this code does not know yet: a person answers rather than a guess.
    return Decision(
        "order_status_unknown", "order_needs_check", base_facts(order), handoff_reason="unknown_status"
    )


def decide_parcels(orders: Sequence[OrderView], *, now: datetime, policy: ShopPolicy) -> Decision:
    """One reply for several parcels on the way: each one's courier, number and latest scan.

    Each parcel is judged as on its own (:func:`decide_status`); if any of them
    has gone quiet the whole reply goes to an agent with a follow-up task, as
    a single stale parcel would. Facts: ``parcels`` (each parcel's facts and
    rule), numbered placeholders ``product_1``.. for the template and
    ``stale_order_ids``.
    """
    low, high = policy.shipping.transit_days
    parts = [decide_status(order, text="", now=now, policy=policy) for order in orders]
    facts: dict[str, object] = {
        "parcels": [{"rule": part.rule, **part.facts} for part in parts],
        "transit_min": low,
        "transit_max": high,
        "stale_hours": policy.shipping.stale_tracking_hours,
    }
    for n, part in enumerate(parts, start=1):
        for key in ("product", "courier", "tracking_no", "latest_event"):
            facts[f"{key}_{n}"] = part.facts.get(key, "")
    stale = [order for order, part in zip(orders, parts, strict=True) if part.follow_up is not None]
    # An order shipped in several parcels may be stale twice: one task for it.
    facts["stale_order_ids"] = list(dict.fromkeys(order.order_id for order in stale))
    reply = f"parcels_summary_{len(parts)}"
    if not stale:
        return Decision("parcels_summary", reply, facts)
    return Decision(
        "parcels_summary_with_stale",
        reply,
        facts,
        handoff_reason="tracking_stale",
        follow_up="tracking_stale",
    )
