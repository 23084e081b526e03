"""Helpers shared by the pre-sale actions: the product in question and the numbers.

No actions here (rasa-sdk imports this module and finds none to register).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.base import Context
from shop.models import Product
from shop.policy.vocabulary import number
from shop.store.catalogue import get_product, product_for_item_id


def product_in_question(ctx: Context, *, session: Session) -> Product | None:
    """This message's product (a code, a name, a pasted link), else the one the conversation was about."""
    item_id = ctx.entity("item_id")
    if item_id and ctx.entity("product_code") is None:
        # A link to a listing the model's lexicon does not know yet: the catalogue does.
        listed = product_for_item_id(str(item_id), session=session)
        if listed is not None:
            return listed
    code = ctx.value("product_code")
    if code is None or str(code).strip() == "":
        return None
    return get_product(str(code), session=session)


def as_number(value: Any) -> float | None:
    """A measurement from an entity or slot ("162", 57.5); None if not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def money(value: Any) -> str:
    """Yuan as a buyer reads it: 699.00 -> "699", 12.5 -> "12.5"."""
    return number(value)


def product_facts(product: Product) -> dict[str, str]:
    """The placeholders every product reply has: its name and its code."""
    return {"product": product.name, "product_code": product.code}


def size_of(product: Product, value: Any) -> str | None:
    """The chart size a buyer named: "m" -> "M", a label "160/84A" -> its size."""
    if value is None:
        return None
    text = str(value).strip()
    for row in product.size_chart:
        if text.upper() == row.size.upper() or (row.label and text.upper() == row.label.upper()):
            return row.size
    return text
