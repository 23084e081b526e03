"""Builds the policy checker's ``CheckContext`` for one buyer from the shop DB.

Kept apart from ``shop.policy`` so the checker itself stays free of database
imports; the caller owns the session (one unit of work per checked draft).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.models import Buyer, Order
from shop.models import Promotion as PromotionRow
from shop.policy_config import ShopPolicy, load_policy
from shop.policy_types import CheckContext, Promotion


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


def context_for_buyer(
    buyer_account: str | None, *, session: Session, policy: ShopPolicy | None = None
) -> CheckContext:
    """What a reply to ``buyer_account`` may mention (None: a guest, nothing of anyone's).

    Every other buyer's phone tail is "foreign"; the checker only flags one
    next to a phone word, so the list can be long without false alarms.
    """
    promotions = allowed_promotions(session=session, policy=policy)
    buyer = None
    if buyer_account is not None:
        buyer = session.scalar(select(Buyer).where(Buyer.account == buyer_account))
    others = select(Buyer.phone_last4)
    if buyer is None:
        return CheckContext(
            known_foreign_phone_last4=frozenset(session.scalars(others)),
            allowed_promotions=promotions,
        )
    own_ids = session.scalars(select(Order.id).where(Order.buyer_id == buyer.id))
    foreign = session.scalars(others.where(Buyer.id != buyer.id))
    return CheckContext(
        own_order_ids=frozenset(own_ids),
        own_phone_last4=buyer.phone_last4,
        known_foreign_phone_last4=frozenset(foreign) - {buyer.phone_last4},
        allowed_promotions=promotions,
    )
