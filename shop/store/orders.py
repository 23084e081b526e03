"""A buyer's orders, looked up only together with the buyer's account.

Privacy rule (responses/policy.yml ``privacy``): order information goes only to
the account that placed the order. So every lookup here takes the account, and
an order of another buyer is indistinguishable from one that does not exist.
Orders come back with items, products, shipment, tracking events and return
requests loaded, so callers can use them after the query (and the session).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from shop.db.engine import translate_db_errors
from shop.db.inputs import DEFAULT_ORDER_ID_LENGTHS, lookup_key, normalise_order_id, valid_row_id
from shop.models import Buyer, Order, OrderItem, Shipment


def _order_options() -> tuple[Any, ...]:
    # Four queries in all: orders with buyer, items with product and return
    # request, parcels, their tracking events. Every query costs more in the ORM than in
    # the database, so the one-to-one parts are joined, not loaded separately.
    items = selectinload(Order.items)
    return (
        joinedload(Order.buyer),
        items.joinedload(OrderItem.product),
        items.joinedload(OrderItem.return_request),
        selectinload(Order.shipments).selectinload(Shipment.events),
    )


@translate_db_errors
def order_id_lengths(*, session: Session) -> frozenset[int]:
    """How many digits this shop's order ids have (the demo's 13, a Taobao shop's 18 and 19).

    What the policy check and ``make lexicon`` take a digit run of for an order
    id; a shop without orders yet gets ``DEFAULT_ORDER_ID_LENGTHS``.
    """
    found = frozenset(session.scalars(select(func.length(Order.id)).distinct()))
    return found or DEFAULT_ORDER_ID_LENGTHS


@translate_db_errors
def orders_for_buyer(buyer_account: str, *, session: Session, limit: int | None = None) -> list[Order]:
    """The buyer's orders, most recent first (at most ``limit``); empty for unknown accounts."""
    account = lookup_key(buyer_account)
    if account is None or (limit is not None and limit <= 0):
        return []
    stmt = (
        select(Order)
        .join(Order.buyer)
        .where(Buyer.account == account)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .options(*_order_options())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt).unique())


@translate_db_errors
def order_for_buyer(order_id: str, buyer_account: str, *, session: Session) -> Order | None:
    """The order if it exists AND belongs to the buyer, else ``None``.

    Raises :class:`~shop.db.errors.InvalidOrderId` for an id that is not 13-24 digits,
    before looking anything up.
    """
    order_id = normalise_order_id(order_id)
    account = lookup_key(buyer_account)
    if account is None:
        return None
    stmt = (
        select(Order)
        .join(Order.buyer)
        .where(Order.id == order_id, Buyer.account == account)
        .options(*_order_options())
    )
    return session.scalars(stmt).unique().one_or_none()


@translate_db_errors
def order_item_for_buyer(order_item_id: int, buyer_account: str, *, session: Session) -> OrderItem | None:
    """One item of one of the buyer's orders, else ``None`` (same rule as orders)."""
    item_id = valid_row_id(order_item_id)
    account = lookup_key(buyer_account)
    if item_id is None or account is None:
        return None
    stmt = (
        select(OrderItem)
        .join(OrderItem.order)
        .join(Order.buyer)
        .where(OrderItem.id == item_id, Buyer.account == account)
        .options(joinedload(OrderItem.product), joinedload(OrderItem.return_request))
    )
    return session.scalars(stmt).unique().one_or_none()
