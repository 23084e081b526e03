"""Buyers and the links between chat accounts and buyer accounts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from shop.models.orders import Order


class Buyer(Base):
    """A shop account; ``account`` is the id the buyer's orders are under."""

    __tablename__ = "buyers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # Only the last four digits: what a buyer proves ownership with, and all
    # the assistant ever needs of a phone number.
    phone_last4: Mapped[str] = mapped_column(String(4))
    first_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    orders: Mapped[list[Order]] = relationship(back_populates="buyer")

    def __repr__(self) -> str:
        return f"Buyer({self.account!r})"


class ChannelLink(Base):
    """A chat account (channel + external user id) verified as a buyer."""

    __tablename__ = "channel_links"
    __table_args__ = (
        # At most one active link per chat account; revoked links stay as history.
        Index(
            "uq_channel_links_active",
            "channel",
            "external_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="CASCADE"), index=True)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    buyer: Mapped[Buyer] = relationship()


class LinkAttempt(Base):
    """One try to link a chat account; failures within an hour drive the lock-out.

    The digits the person typed are deliberately not stored, nor the order id in
    clear: ``order_key`` is a digest of it, enough to count guesses per order.
    ``buyer_id`` is the buyer of that order (``None`` if there is no such order),
    so guesses are also counted per buyer account (shop/store/linking.py).
    """

    __tablename__ = "link_attempts"
    __table_args__ = (
        Index("ix_link_attempts_chat", "channel", "external_id", "attempted_at"),
        Index("ix_link_attempts_buyer", "buyer_id", "attempted_at"),
        Index("ix_link_attempts_order", "order_key", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    order_key: Mapped[str | None] = mapped_column(String(64))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id", ondelete="CASCADE"))
