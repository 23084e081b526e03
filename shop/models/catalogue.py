"""Catalogue tables: shop info, products, size charts, stock and promotions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db.settings import shop_timezone
from shop.models.base import Base, Money, UTCDateTime, utcnow


class ShopInfo(Base):
    """The shop itself (one row); its presence marks a loaded shop."""

    __tablename__ = "shop_info"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    agent_name: Mapped[str] = mapped_column(String(50))
    currency: Mapped[str] = mapped_column(String(3))
    source: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Product(Base):
    """A catalogue product; ``code`` is the shop's own code, e.g. "0201"."""

    __tablename__ = "products"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(32), index=True)
    price: Mapped[Decimal] = mapped_column(Money())
    colors: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Fibre name -> percent, e.g. {"wool": 80, "polyamide": 20}.
    materials: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    care: Mapped[str] = mapped_column(Text, default="")
    free_shipping: Mapped[bool] = mapped_column(Boolean, default=False)
    no_reason_return: Mapped[bool] = mapped_column(Boolean, default=True)
    # Codes of products that go well with this one (not enforced as FKs: a
    # pairing may name a product that is added later).
    pairs_with: Mapped[list[str]] = mapped_column(JSON, default=list)

    size_chart: Mapped[list[SizeChartRow]] = relationship(
        back_populates="product", order_by="SizeChartRow.position", cascade="all, delete-orphan"
    )
    stock: Mapped[list[StockLevel]] = relationship(
        back_populates="product", order_by="StockLevel.id", cascade="all, delete-orphan"
    )
    platform_items: Mapped[list[PlatformItem]] = relationship(
        back_populates="product", order_by="PlatformItem.item_id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"Product({self.code!r}, {self.name!r})"


class PlatformItem(Base):
    """A Taobao/Tmall item id (the ``id=`` of a product link) that means this product.

    Its own table, keyed by the id: a pasted link is looked up by it, and a product
    may be listed under several ids (a relisting, a Tmall and a Taobao listing).
    """

    __tablename__ = "platform_items"

    item_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    product_code: Mapped[str] = mapped_column(ForeignKey("products.code", ondelete="CASCADE"), index=True)

    product: Mapped[Product] = relationship(back_populates="platform_items")


class SizeChartRow(Base):
    """Body measurements (inclusive ranges) one size is meant for; NULL = no constraint."""

    __tablename__ = "size_chart_rows"
    __table_args__ = (
        UniqueConstraint("product_code", "size"),
        UniqueConstraint("product_code", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_code: Mapped[str] = mapped_column(ForeignKey("products.code", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    size: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(32))
    height_min: Mapped[float | None] = mapped_column(Float)  # cm
    height_max: Mapped[float | None] = mapped_column(Float)
    weight_min: Mapped[float | None] = mapped_column(Float)  # kg
    weight_max: Mapped[float | None] = mapped_column(Float)
    bust_min: Mapped[float | None] = mapped_column(Float)  # cm from here on
    bust_max: Mapped[float | None] = mapped_column(Float)
    waist_min: Mapped[float | None] = mapped_column(Float)
    waist_max: Mapped[float | None] = mapped_column(Float)
    hip_min: Mapped[float | None] = mapped_column(Float)
    hip_max: Mapped[float | None] = mapped_column(Float)
    shoulder_min: Mapped[float | None] = mapped_column(Float)
    shoulder_max: Mapped[float | None] = mapped_column(Float)

    product: Mapped[Product] = relationship(back_populates="size_chart")

    MEASUREMENTS = ("height", "weight", "bust", "waist", "hip", "shoulder")

    def range_of(self, measurement: str) -> tuple[float | None, float | None]:
        """(min, max) of one of :attr:`MEASUREMENTS`; ``None`` ends are open."""
        if measurement not in self.MEASUREMENTS:
            raise KeyError(measurement)
        return getattr(self, f"{measurement}_min"), getattr(self, f"{measurement}_max")

    def __repr__(self) -> str:
        return f"SizeChartRow({self.product_code!r}, {self.size!r}, {self.label!r})"


class StockLevel(Base):
    """Units in stock for one colour and size; when it is restocked, if known.

    A restock is known either as a date (``restock_on``, from a shop's stock
    export: it stays true tomorrow) or as a fixed number of days (the demo
    shop's ``restock_days``); :attr:`restock_days` answers in days either way.
    """

    __tablename__ = "stock_levels"
    __table_args__ = (UniqueConstraint("product_code", "color", "size"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_code: Mapped[str] = mapped_column(ForeignKey("products.code", ondelete="CASCADE"))
    color: Mapped[str] = mapped_column(String(32))
    size: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    fixed_restock_days: Mapped[int | None] = mapped_column("restock_days", Integer)
    restock_on: Mapped[date | None] = mapped_column(Date)

    product: Mapped[Product] = relationship(back_populates="stock")

    @property
    def restock_days(self) -> int | None:
        """Days until the restock (0 once the date is today or past); None if unknown."""
        if self.restock_on is not None:
            today = datetime.now(shop_timezone()).date()
            return max(0, (self.restock_on - today).days)
        return self.fixed_restock_days

    @restock_days.setter
    def restock_days(self, days: int | None) -> None:
        self.fixed_restock_days = days

    @property
    def in_stock(self) -> bool:
        return self.quantity > 0

    def __repr__(self) -> str:
        return f"StockLevel({self.product_code!r}, {self.color!r}, {self.size!r}, {self.quantity})"


class Promotion(Base):
    """A shop-wide promotion or coupon (``kind`` says which amount fields apply)."""

    __tablename__ = "promotions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(32))  # threshold_discount | coupon
    text: Mapped[str] = mapped_column(Text)
    threshold: Mapped[Decimal | None] = mapped_column(Money())
    discount: Mapped[Decimal | None] = mapped_column(Money())
    amount: Mapped[Decimal | None] = mapped_column(Money())
    newcomer_only: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"Promotion({self.id!r})"
