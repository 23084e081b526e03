"""Write the catalogue the assistant's words are made of: ``python -m shop.imports.snapshot OUT``.

``make lexicon`` runs this in the app env, then the lexicon generator in the
Rasa env reads OUT (the Rasa env cannot read the shop database: it imports no
``shop``). OUT has the shape of the demo shop file's ``products`` (code, name,
colours, platform item ids), taken from the shop database, or from the demo shop file while the
database holds no products yet; and ``order_id_lengths``, how many digits the shop's order
ids have (a digit run that long is read as an order id; 13 and 15-19 before any order).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, selectinload

from shop.db.engine import make_engine
from shop.db.inputs import DEFAULT_ORDER_ID_LENGTHS
from shop.db.settings import DEMO_SHOP_PATH
from shop.demo import read_demo_shop
from shop.models import Order, Product
from shop.store.orders import order_id_lengths


def catalogue_products(engine: Engine) -> list[dict[str, Any]]:
    """The database's products as ``{code, name, colors, item_ids}``; [] when it holds none (or no tables)."""
    if not inspect(engine).has_table(Product.__tablename__):
        return []
    with Session(engine) as session:
        products = session.scalars(
            select(Product).order_by(Product.code).options(selectinload(Product.platform_items))
        )
        return [_entry(p.code, p.name, p.colors, [i.item_id for i in p.platform_items]) for p in products]


def shop_order_id_lengths(engine: Engine) -> list[int]:
    """How many digits the database's order ids have (the usual lengths when it has none)."""
    if not inspect(engine).has_table(Order.__tablename__):
        return sorted(DEFAULT_ORDER_ID_LENGTHS)
    with Session(engine) as session:
        return sorted(order_id_lengths(session=session))


def _entry(code: str, name: str, colors: Sequence[str], item_ids: Sequence[str]) -> dict[str, Any]:
    return {"code": str(code), "name": name, "colors": list(colors), "item_ids": [str(i) for i in item_ids]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shop.imports.snapshot", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    engine = make_engine()
    products = catalogue_products(engine)
    where = engine.url.render_as_string(hide_password=True)
    if products:
        print(f"catalogue: {len(products)} products from {where}")
    else:
        demo = read_demo_shop(DEMO_SHOP_PATH)["products"]
        products = [_entry(p["code"], p["name"], p.get("colors", []), p.get("item_ids", [])) for p in demo]
        print(f"catalogue: no products in {where} yet; the demo shop's {len(products)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"products": products, "order_id_lengths": shop_order_id_lengths(engine)},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
