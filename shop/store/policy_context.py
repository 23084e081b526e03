"""Builds the policy checker's ``CheckContext`` for one buyer from the shop DB.

Kept apart from ``shop.policy`` so the checker itself stays free of database
imports; the caller owns the session (one unit of work per checked draft).

The gateway checks every draft, so it passes a ``ShopWideCache``: the parts
that are the same for every buyer (the offered promotions, every buyer's phone
tail, every shipment's tracking number) are read once per ``max_age_s``
instead of per message. The buyer's own link, orders, tracking numbers and
phone are always read fresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.db.inputs import DEFAULT_ORDER_ID_LENGTHS
from shop.models import Buyer, Order, Shipment
from shop.models import Promotion as PromotionRow
from shop.policy.config import ShopPolicy, load_policy
from shop.policy.types import CheckContext, Promotion
from shop.store.orders import order_id_lengths


def allowed_promotions(*, session: Session, policy: ShopPolicy | None = None) -> tuple[Promotion, ...]:
    """The active promotions that ``policy.bargaining.offer`` lets a reply mention."""
    policy = policy or load_policy()
    rows = session.scalars(
        select(PromotionRow)
        .where(PromotionRow.id.in_(policy.bargaining.offer), PromotionRow.active.is_(True))
        .order_by(PromotionRow.position)
    )
    found: list[Promotion] = []
    for row in rows:
        if row.threshold is not None and row.discount is not None:  # 满X减Y
            found.append(Promotion(float(row.threshold), float(row.discount)))
        elif row.amount is not None:  # a coupon worth ``amount``
            found.append(Promotion(None, float(row.amount)))
    return tuple(found)


@dataclass(frozen=True)
class ShopWide:
    """What a reply to any buyer is checked against."""

    phone_last4: frozenset[str]  # every buyer's
    promotions: tuple[Promotion, ...]
    tracking_numbers: frozenset[str] = frozenset()  # every shipment's, upper case
    order_id_lengths: frozenset[int] = DEFAULT_ORDER_ID_LENGTHS  # how many digits its order ids have


def read_shop_wide(session: Session, policy: ShopPolicy | None = None) -> ShopWide:
    return ShopWide(
        phone_last4=frozenset(session.scalars(select(Buyer.phone_last4))),
        promotions=allowed_promotions(session=session, policy=policy),
        tracking_numbers=frozenset(no.upper() for no in session.scalars(select(Shipment.tracking_no))),
        order_id_lengths=order_id_lengths(session=session),
    )


class ShopWideCache:
    """``ShopWide`` per database, read again when older than ``max_age_s``.

    A new buyer's phone tail or a promotion switched off reaches the checks
    within that time; a stale tail list can only make the checker stricter
    for that buyer's number, never show one buyer's data to another. A
    shipment made within that time is not yet known as another buyer's
    tracking number (its order id still is, by its length).
    """

    def __init__(self, max_age_s: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age_s = max_age_s
        self._clock = clock
        # Worker threads share it; a dict read or write is atomic, and two threads that
        # both find it stale just both read the database.
        self._entries: dict[object, tuple[float, ShopWide]] = {}

    def get(self, session: Session, policy: ShopPolicy | None = None) -> ShopWide:
        policy = policy or load_policy()
        key = (session.get_bind().engine.url, policy.bargaining.offer)
        now = self._clock()
        cached = self._entries.get(key)
        if cached is not None and now - cached[0] < self.max_age_s:
            return cached[1]
        fresh = read_shop_wide(session, policy)
        self._entries[key] = (now, fresh)
        return fresh


def context_for_buyer(
    buyer_account: str | None,
    *,
    session: Session,
    policy: ShopPolicy | None = None,
    shop_wide: ShopWideCache | None = None,
) -> CheckContext:
    """What a reply to ``buyer_account`` may mention (None: a guest, nothing of anyone's)."""
    buyer = None
    if buyer_account is not None:
        buyer = session.scalar(select(Buyer).where(Buyer.account == buyer_account))
    return context_for(buyer, session=session, policy=policy, shop_wide=shop_wide)


def context_for(
    buyer: Buyer | None,
    *,
    session: Session,
    policy: ShopPolicy | None = None,
    shop_wide: ShopWideCache | None = None,
) -> CheckContext:
    """What a reply to ``buyer`` may mention, for a buyer already loaded (None: a guest).

    Every other buyer's phone tail is "foreign"; the checker only flags one
    next to a phone word, so the list can be long without false alarms.
    Every shipment's tracking number is known; the buyer's own are allowed.
    """
    shared = shop_wide.get(session, policy) if shop_wide else read_shop_wide(session, policy)
    if buyer is None:
        return CheckContext(
            known_foreign_phone_last4=shared.phone_last4,
            allowed_promotions=shared.promotions,
            known_tracking_numbers=shared.tracking_numbers,
            order_id_lengths=shared.order_id_lengths,
        )
    own_ids = session.scalars(select(Order.id).where(Order.buyer_id == buyer.id))
    own_tracking = session.scalars(
        select(Shipment.tracking_no)
        .join(Order, Shipment.order_id == Order.id)
        .where(Order.buyer_id == buyer.id)
    )
    return CheckContext(
        own_order_ids=frozenset(own_ids),
        own_phone_last4=buyer.phone_last4,
        known_foreign_phone_last4=shared.phone_last4 - {buyer.phone_last4},
        allowed_promotions=shared.promotions,
        own_tracking_numbers=frozenset(no.upper() for no in own_tracking),
        known_tracking_numbers=shared.tracking_numbers,
        order_id_lengths=shared.order_id_lengths,
    )
