"""Plain, read-only snapshots of a buyer's orders for the post-sale logic.

The decision modules (order_choice, order_status, returns_rules, address_rules)
take these instead of ORM objects, so their table tests build orders by hand
and never need a database. :func:`view_of` copies a loaded ``shop.models.Order``
into a snapshot; it reads attributes only, so it imports no model code.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

OPEN_STATUSES = frozenset({"awaiting_payment", "paid", "shipped"})
# Statuses in which the parcel has not left the warehouse yet.
BEFORE_DISPATCH = frozenset({"awaiting_payment", "paid"})


@dataclass(frozen=True)
class ItemView:
    """One order line with the product facts the rules need."""

    item_id: int
    product_code: str
    product_name: str
    color: str = ""
    size: str = ""
    qty: int = 1
    no_reason_return: bool = True
    # The existing return request on this line, if any: (kind, status).
    request_kind: str | None = None
    request_status: str | None = None


@dataclass(frozen=True)
class EventView:
    """One courier scan."""

    at: datetime
    text: str


@dataclass(frozen=True)
class ParcelView:
    """One parcel of an order (an order shipped in several has several); events oldest first."""

    courier: str
    tracking_no: str
    shipped_at: datetime | None = None
    signed_at: datetime | None = None
    events: tuple[EventView, ...] = ()

    @property
    def latest_event(self) -> EventView | None:
        return self.events[-1] if self.events else None


@dataclass(frozen=True)
class OrderView:
    """One order as the post-sale logic sees it; events are oldest first.

    ``parcels`` lists every parcel, oldest shipped first. The single-parcel
    fields (courier, tracking_no, shipped_at, signed_at, events) describe the
    latest-shipped one: the one rule for code that needs "the" parcel.
    """

    order_id: str
    status: str
    items: tuple[ItemView, ...]
    created_at: datetime | None = None
    paid_at: datetime | None = None
    courier: str | None = None
    tracking_no: str | None = None
    shipped_at: datetime | None = None
    signed_at: datetime | None = None
    events: tuple[EventView, ...] = ()
    return_shipping_insurance: bool = False
    parcels: tuple[ParcelView, ...] = ()

    @property
    def split(self) -> bool:
        """Shipped in several parcels (拆单/分批发货)."""
        return len(self.parcels) > 1

    @property
    def every_parcel(self) -> tuple[ParcelView, ...]:
        """``parcels``, or the one the single-parcel fields describe (a view built by hand)."""
        if self.parcels or not self.tracking_no:
            return self.parcels
        single = ParcelView(
            self.courier or "", self.tracking_no, self.shipped_at, self.signed_at, self.events
        )
        return (single,)

    def parcel_with(self, tracking_no: str) -> ParcelView | None:
        """Its parcel with this waybill (any case), if any."""
        wanted = tracking_no.upper()
        return next((p for p in self.every_parcel if p.tracking_no.upper() == wanted), None)

    def about_parcel(self, parcel: ParcelView) -> OrderView:
        """This order as seen through one of its parcels: a buyer naming a waybill asks about that parcel.

        A signed-for parcel of an order still on its way reads as delivered:
        that parcel is.
        """
        status = self.status
        if self.split and status in ("shipped", "delivered"):
            status = "delivered" if parcel.signed_at is not None else "shipped"
        return replace(self, status=status, **_single_parcel_fields(parcel), parcels=(parcel,))

    @property
    def product_label(self) -> str:
        """The product name(s), joined with an ASCII separator (no Chinese in code)."""
        names = list(dict.fromkeys(item.product_name for item in self.items))
        return " + ".join(names)

    @property
    def latest_event(self) -> EventView | None:
        return self.events[-1] if self.events else None


# Request statuses that still count against the per-order exchange allowance.
_LIVE_REQUEST = frozenset({"requested", "approved", "completed"})


def exchanges_used(order: OrderView) -> int:
    """No-fault exchanges already asked for on this order (cancelled/rejected ones don't count)."""
    return sum(
        1 for item in order.items if item.request_kind == "exchange" and item.request_status in _LIVE_REQUEST
    )


def as_utc(moment: datetime | None) -> datetime | None:
    """Aware UTC; a naive value is taken as UTC (the shop stores UTC only)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def hours_between(earlier: datetime, later: datetime) -> float:
    return (as_utc(later) - as_utc(earlier)).total_seconds() / 3600.0


def _single_parcel_fields(parcel: ParcelView | None) -> dict[str, Any]:
    if parcel is None:
        return {}
    return {
        "courier": parcel.courier,
        "tracking_no": parcel.tracking_no,
        "shipped_at": parcel.shipped_at,
        "signed_at": parcel.signed_at,
        "events": parcel.events,
    }


def effective_status(stored: str, parcels: tuple[ParcelView, ...]) -> str:
    """The order's status; an order shipped in several parcels is delivered only when every one is signed for.

    Seller tools give one status per order: an export saying signed while one
    parcel's 签收时间 is still empty (another's is given) is read as still on its
    way. With no sign-for time at all (an export without that column) the
    status is taken as it is, as for a one-parcel order.
    """
    signed = [parcel.signed_at is not None for parcel in parcels]
    if stored == "delivered" and any(signed) and not all(signed):
        return "shipped"
    return stored


def _parcel_view(shipment: Any) -> ParcelView:
    events = (EventView(at=as_utc(event.occurred_at), text=event.text) for event in shipment.events)
    return ParcelView(
        courier=shipment.courier or "",
        tracking_no=shipment.tracking_no,
        shipped_at=as_utc(shipment.shipped_at),
        signed_at=as_utc(shipment.signed_at),
        events=tuple(sorted(events, key=lambda e: e.at)),
    )


def view_of(order: Any) -> OrderView:
    """Snapshot of a loaded ``shop.models.Order`` (items, products, parcels, events)."""
    items = []
    for item in order.items:
        request = getattr(item, "return_request", None)
        items.append(
            ItemView(
                item_id=item.id,
                product_code=item.product_code,
                product_name=item.product.name,
                color=item.color or "",
                size=item.size or "",
                qty=item.qty,
                no_reason_return=bool(item.product.no_reason_return),
                request_kind=request.kind if request is not None else None,
                request_status=request.status if request is not None else None,
            )
        )
    parcels = tuple(_parcel_view(shipment) for shipment in order.shipments)
    return OrderView(
        order_id=order.id,
        status=effective_status(order.status, parcels),
        items=tuple(items),
        created_at=as_utc(order.created_at),
        paid_at=as_utc(order.paid_at),
        return_shipping_insurance=bool(order.return_shipping_insurance),
        parcels=parcels,
        **_single_parcel_fields(parcels[-1] if parcels else None),
    )
