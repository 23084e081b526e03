"""Catalogue lookups: products, size charts and stock.

Unknown or malformed product codes give ``None`` / empty lists, never an error:
a code typed in a chat is just a code that is not in the catalogue.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shop.db.engine import translate_db_errors
from shop.db.inputs import lookup_key
from shop.models import PlatformItem, Product, SizeChartRow, StockLevel

CODE_MAX_LENGTH = 16
ITEM_ID_MAX_LENGTH = 32


@translate_db_errors
def get_product(code: str, *, session: Session) -> Product | None:
    """The product with ``code`` (size chart and stock loaded), or ``None``."""
    key = lookup_key(code, CODE_MAX_LENGTH)
    if key is None:
        return None
    stmt = (
        select(Product)
        .where(Product.code == key)
        .options(selectinload(Product.size_chart), selectinload(Product.stock))
    )
    return session.scalars(stmt).one_or_none()


@translate_db_errors
def product_for_item_id(item_id: str, *, session: Session) -> Product | None:
    """The product a platform item id (a link's ``id=``) stands for, or ``None``."""
    key = lookup_key(item_id, ITEM_ID_MAX_LENGTH)
    if key is None:
        return None
    item = session.get(PlatformItem, key)
    return None if item is None else get_product(item.product_code, session=session)


@translate_db_errors
def list_products(*, no_reason_return: bool | None = None, session: Session) -> list[Product]:
    """Products by code; with ``no_reason_return`` only those whose flag is that
    (False: the ones a pre-sale returns answer names as excluded)."""
    stmt = select(Product).order_by(Product.code)
    if no_reason_return is not None:
        stmt = stmt.where(Product.no_reason_return.is_(no_reason_return))
    return list(session.scalars(stmt))


@translate_db_errors
def size_chart(code: str, *, session: Session) -> list[SizeChartRow]:
    """The product's size chart in chart order (smallest first); empty if unknown."""
    key = lookup_key(code, CODE_MAX_LENGTH)
    if key is None:
        return []
    stmt = select(SizeChartRow).where(SizeChartRow.product_code == key).order_by(SizeChartRow.position)
    return list(session.scalars(stmt))


@translate_db_errors
def stock_levels(code: str, *, session: Session) -> list[StockLevel]:
    """Stock of every colour and size, in catalogue colour order then chart order."""
    product = get_product(code, session=session)
    if product is None:
        return []
    colors = {color: i for i, color in enumerate(product.colors)}
    sizes = {row.size: row.position for row in product.size_chart}
    return sorted(
        product.stock,
        key=lambda s: (colors.get(s.color, len(colors)), sizes.get(s.size, len(sizes)), s.id),
    )
