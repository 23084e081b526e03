"""Promotions and coupons a buyer (or a guest) may be told about."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from shop.db.engine import translate_db_errors
from shop.db.inputs import lookup_key
from shop.models import Buyer, Order, Promotion


@translate_db_errors
def list_promotions(*, session: Session) -> list[Promotion]:
    """Every active promotion in the shop's order."""
    stmt = select(Promotion).where(Promotion.active).order_by(Promotion.position, Promotion.id)
    return list(session.scalars(stmt))


@translate_db_errors
def is_newcomer(buyer_account: str, *, session: Session) -> bool:
    """True for a known buyer who has never ordered (no orders, no first order date)."""
    account = lookup_key(buyer_account)
    if account is None:
        return False
    buyer = session.scalars(select(Buyer).where(Buyer.account == account)).one_or_none()
    if buyer is None or buyer.first_order_at is not None:
        return False
    has_orders = session.scalar(select(exists().where(Order.buyer_id == buyer.id)))
    return not has_orders


@translate_db_errors
def promotions_for_buyer(buyer_account: str | None, *, session: Session) -> list[Promotion]:
    """Active promotions for this buyer; ``None`` means a guest (not linked).

    Newcomer-only offers go to guests (they may well be new) and to known
    buyers without orders; an account that does not exist gets only the
    general offers, so a typo never unlocks a newcomer coupon.
    """
    promotions = list_promotions(session=session)
    newcomer = buyer_account is None or is_newcomer(buyer_account, session=session)
    return [p for p in promotions if newcomer or not p.newcomer_only]
