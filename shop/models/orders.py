"""Orders, their items, shipments, tracking events and return requests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db.inputs import ORDER_ID_MAX_LENGTH
from shop.models.base import Base, Money, UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from shop.models.catalogue import Product
    from shop.models.people import Buyer

ORDER_STATUSES = ("awaiting_payment", "paid", "shipped", "delivered", "closed")
RETURN_KINDS = ("return", "exchange")
RETURN_STATUSES = ("requested", "approved", "rejected", "completed", "cancelled")


class Order(Base):
    """A buyer's order; ``id`` is the platform's order number (digits: 13 in the demo, 18-19 on Taobao)."""

    __tablename__ = "orders"
    __table_args__ = (CheckConstraint(one_of("status", ORDER_STATUSES), name="status"),)

    id: Mapped[str] = mapped_column(String(ORDER_ID_MAX_LENGTH), primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shipping_fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    return_shipping_insurance: Mapped[bool] = mapped_column(Boolean, default=False)

    buyer: Mapped[Buyer] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", order_by="OrderItem.position", cascade="all, delete-orphan"
    )
    # Several when the order ships in parcels (拆单/分批发货), oldest first.
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order",
        order_by=lambda: [Shipment.shipped_at, Shipment.id],
        cascade="all, delete-orphan",
    )

    @property
    def shipment(self) -> Shipment | None:
        """The order's parcel, or its latest-shipped one when it ships in several (the one rule)."""
        return self.shipments[-1] if self.shipments else None

    @property
    def items_total(self) -> Decimal:
        """Sum of item prices times quantities (without shipping)."""
        return sum((item.price * item.qty for item in self.items), Decimal("0.00"))

    def __repr__(self) -> str:
        return f"Order({self.id!r}, {self.status!r})"


class OrderItem(Base):
    """One line of an order: product, colour, size, quantity and unit price paid."""

    __tablename__ = "order_items"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    product_code: Mapped[str] = mapped_column(ForeignKey("products.code"), index=True)
    color: Mapped[str] = mapped_column(String(32))
    size: Mapped[str] = mapped_column(String(16))
    qty: Mapped[int] = mapped_column(Integer, default=1)
    price: Mapped[Decimal] = mapped_column(Money())

    order: Mapped[Order] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()
    return_request: Mapped[ReturnRequest | None] = relationship(back_populates="order_item")


class Shipment(Base):
    """A parcel of an order: an order may ship in several, one waybill may carry several orders."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    courier: Mapped[str] = mapped_column(String(32))
    # Indexed: tracking imports and merged parcels (合并发货) look shipments up by waybill.
    tracking_no: Mapped[str] = mapped_column(String(40), index=True)
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    order: Mapped[Order] = relationship(back_populates="shipments")
    events: Mapped[list[TrackingEvent]] = relationship(
        back_populates="shipment",
        order_by=lambda: [TrackingEvent.occurred_at, TrackingEvent.id],
        cascade="all, delete-orphan",
    )

    @property
    def last_event(self) -> TrackingEvent | None:
        return self.events[-1] if self.events else None


class TrackingEvent(Base):
    """One courier scan of a shipment."""

    __tablename__ = "tracking_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)

    shipment: Mapped[Shipment] = relationship(back_populates="events")


class ReturnRequest(Base):
    """A buyer's request to return or exchange one order item (one per item)."""

    __tablename__ = "return_requests"
    __table_args__ = (
        CheckConstraint(one_of("kind", RETURN_KINDS), name="kind"),
        CheckConstraint(one_of("status", RETURN_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # UNIQUE is what makes creation idempotent under concurrency.
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="requested")

    order_item: Mapped[OrderItem] = relationship(back_populates="return_request")
