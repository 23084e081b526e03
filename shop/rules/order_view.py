"""Plain, read-only snapshots of a buyer's orders for the post-sale logic.

The decision modules (order_choice, order_status, returns_rules, address_rules)
take these instead of ORM objects, so their table tests build orders by hand
and never need a database. :func:`view_of` copies a loaded ``shop.models.Order``
into a snapshot; it reads attributes only, so it imports no model code.
"""

from __future__ import annotations

from dataclasses import dataclass
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
class OrderView:
    """One order as the post-sale logic sees it; events are oldest first."""

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


def view_of(order: Any) -> OrderView:
    """Snapshot of a loaded ``shop.models.Order`` (items, products, shipment, events)."""
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
    shipment = order.shipment
    events: tuple[EventView, ...] = ()
    if shipment is not None:
        events = tuple(EventView(at=as_utc(event.occurred_at), text=event.text) for event in shipment.events)
    return OrderView(
        order_id=order.id,
        status=order.status,
        items=tuple(items),
        created_at=as_utc(order.created_at),
        paid_at=as_utc(order.paid_at),
        courier=shipment.courier if shipment is not None else None,
        tracking_no=shipment.tracking_no if shipment is not None else None,
        shipped_at=as_utc(shipment.shipped_at) if shipment is not None else None,
        signed_at=as_utc(shipment.signed_at) if shipment is not None else None,
        events=tuple(sorted(events, key=lambda e: e.at)),
        return_shipping_insurance=bool(order.return_shipping_insurance),
    )
