"""Build the demo shop from ``data/demo_shop/shop.yaml``: ``python -m shop.demo [--reset]``.

Migrates the database first. Relative times in the file (``*_days_ago``,
``*_hours_ago``, fractions allowed) become real UTC timestamps relative to the
moment of loading. Loading is idempotent: a database that already holds the
shop (a ``shop_info`` row) is left exactly as it is; ``--reset`` deletes every
row of every shop table and builds the shop again.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shop.db.engine import db_errors_as_shop_errors, make_engine
from shop.db.errors import ShopError, UnknownProduct
from shop.db.inputs import normalise_order_id
from shop.db.migrate import upgrade
from shop.db.settings import DEMO_SHOP_PATH, PROJECT_ROOT
from shop.models import (
    ORDER_STATUSES,
    Base,
    Buyer,
    Order,
    OrderItem,
    PlatformItem,
    Product,
    Promotion,
    Shipment,
    ShopInfo,
    SizeChartRow,
    StockLevel,
    TrackingEvent,
    utcnow,
)

MEASUREMENTS = SizeChartRow.MEASUREMENTS


@dataclass(frozen=True)
class DemoLoadResult:
    """What :func:`load_demo` did; ``now`` is the moment relative times are based on."""

    action: str  # "loaded", "reset" or "unchanged"
    now: datetime
    shop_name: str
    products: int
    buyers: int
    orders: int


def read_demo_shop(path: Path = DEMO_SHOP_PATH) -> dict[str, Any]:
    """The parsed demo shop file."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "products" not in data:
        raise ShopError(f"{path} is not a demo shop file")
    return data


def _ago(spec: Mapping[str, Any], prefix: str, now: datetime) -> datetime | None:
    """``now`` minus ``<prefix>_days_ago`` / ``<prefix>_hours_ago``; None if neither is set."""
    key = f"{prefix}_" if prefix else ""
    days, hours = spec.get(f"{key}days_ago"), spec.get(f"{key}hours_ago")
    if days is None and hours is None:
        return None
    return now - timedelta(days=float(days or 0), hours=float(hours or 0))


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _product(spec: Mapping[str, Any]) -> Product:
    code = str(spec["code"])
    product = Product(
        code=code,
        name=spec["name"],
        category=spec["category"],
        price=_money(spec["price"]),
        colors=[str(c) for c in spec.get("colors", [])],
        materials=dict(spec.get("materials") or {}),
        care=spec.get("care", ""),
        free_shipping=bool(spec.get("free_shipping", False)),
        no_reason_return=bool(spec.get("no_reason_return", True)),
        pairs_with=[str(c) for c in spec.get("pairs_with", [])],
        platform_items=[PlatformItem(item_id=str(i)) for i in spec.get("item_ids", [])],
    )
    for position, row in enumerate(spec.get("size_chart", [])):
        ranges: dict[str, Any] = {}
        for measure in MEASUREMENTS:
            low, high = row.get(measure) or (None, None)
            ranges[f"{measure}_min"], ranges[f"{measure}_max"] = low, high
        product.size_chart.append(
            SizeChartRow(position=position, size=str(row["size"]), label=row.get("label"), **ranges)
        )
    restock = spec.get("restock_days") or {}
    for color, sizes in (spec.get("stock") or {}).items():
        for size, quantity in sizes.items():
            days = (restock.get(color) or {}).get(size)
            product.stock.append(
                StockLevel(color=str(color), size=str(size), quantity=int(quantity), restock_days=days)
            )
    return product


def _order(spec: Mapping[str, Any], buyers: Mapping[str, Buyer], codes: set[str], now: datetime) -> Order:
    if spec["status"] not in ORDER_STATUSES:
        raise ShopError(f"order {spec['id']}: unknown status {spec['status']!r}")
    paid_at = _ago(spec, "paid", now)
    order = Order(
        id=normalise_order_id(str(spec["id"])),
        buyer=buyers[spec["buyer"]],
        status=spec["status"],
        # Only the payment time is given for most orders: it was placed then.
        created_at=_ago(spec, "created", now) or paid_at or now,
        paid_at=paid_at,
        shipping_fee=_money(spec.get("shipping_fee", 0)),
        return_shipping_insurance=bool(spec.get("return_shipping_insurance", False)),
    )
    for position, item in enumerate(spec.get("items", [])):
        if str(item["product"]) not in codes:
            raise UnknownProduct(f"order {spec['id']}: no product {item['product']!r}")
        order.items.append(
            OrderItem(
                position=position,
                product_code=str(item["product"]),
                color=str(item["color"]),
                size=str(item["size"]),
                qty=int(item.get("qty", 1)),
                price=_money(item["price"]),
            )
        )
    ship = spec.get("shipment")
    if ship:
        order.shipment = Shipment(
            courier=ship["courier"],
            tracking_no=str(ship["tracking_no"]),
            shipped_at=_ago(ship, "shipped", now) or now,
            signed_at=_ago(ship, "signed", now),
            events=[
                TrackingEvent(occurred_at=_ago(event, "", now) or now, text=event["text"])
                for event in ship.get("events", [])
            ],
        )
    return order


def _count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _clear(session: Session) -> None:
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(table.delete())


def load_demo(
    session: Session,
    *,
    data: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    reset: bool = False,
    source: str = "data/demo_shop/shop.yaml",
) -> DemoLoadResult:
    """Build the demo shop in ``session`` (the caller commits); see the module docstring."""
    info = session.scalars(select(ShopInfo)).first()
    if info is not None and not reset:
        return DemoLoadResult(
            "unchanged", info.loaded_at, info.name, _count(session, Product), _count(session, Buyer),
            _count(session, Order),
        )  # fmt: skip
    if info is None and not reset and (_count(session, Product) or _count(session, Buyer)):
        raise ShopError("the database holds shop data that is not the demo shop; use --reset to replace it")
    if reset:
        _clear(session)
        # The bulk DELETEs bypass the identity map: forget the objects read above.
        session.expunge_all()
    data = read_demo_shop() if data is None else data
    now = now or utcnow()
    shop = data.get("shop") or {}
    session.add(
        ShopInfo(
            name=shop.get("name", ""),
            agent_name=shop.get("agent_name", ""),
            currency=shop.get("currency", "CNY"),
            source=source,
            loaded_at=now,
        )
    )
    products = [_product(spec) for spec in data["products"]]
    session.add_all(products)
    for position, spec in enumerate(data.get("promotions", [])):
        fields = {k: spec.get(k) for k in ("threshold", "discount", "amount")}
        session.add(
            Promotion(
                id=spec["id"],
                position=position,
                kind=spec["kind"],
                text=spec["text"],
                newcomer_only=bool(spec.get("newcomer_only", False)),
                **{k: None if v is None else _money(v) for k, v in fields.items()},
            )
        )
    buyers = {
        spec["account"]: Buyer(
            account=spec["account"],
            name=spec["name"],
            phone_last4=str(spec["phone_last4"]),
            first_order_at=_ago(spec, "first_order", now),
            created_at=now,
        )
        for spec in data.get("buyers", [])
    }
    session.add_all(buyers.values())
    codes = {p.code for p in products}
    orders = [_order(spec, buyers, codes, now) for spec in data.get("orders", [])]
    session.add_all(orders)
    session.flush()
    return DemoLoadResult(
        "reset" if reset else "loaded", now, shop.get("name", ""), len(products), len(buyers), len(orders)
    )


def ensure_demo_loaded(
    engine: Engine | None = None,
    *,
    path: Path = DEMO_SHOP_PATH,
    reset: bool = False,
    now: datetime | None = None,
) -> DemoLoadResult:
    """Migrate the database and load the demo shop unless it is there already."""
    engine = engine or make_engine()
    upgrade(engine=engine)
    try:
        source = str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        source = str(path)
    data = read_demo_shop(path)
    with db_errors_as_shop_errors(), Session(engine, expire_on_commit=False) as session, session.begin():
        return load_demo(session, data=data, now=now, reset=reset, source=source)


def describe(result: DemoLoadResult, where: str) -> str:
    """The one line the command prints."""
    counts = f"{result.products} products, {result.buyers} buyers, {result.orders} orders"
    if result.action == "unchanged":
        built = result.now.strftime("%Y-%m-%d %H:%M UTC")
        return (
            f"Demo shop {result.shop_name} already in {where} (built {built}, {counts}); "
            "nothing changed (--reset rebuilds it)."
        )
    verb = "rebuilt" if result.action == "reset" else "loaded"
    return f"Demo shop {result.shop_name} {verb} into {where}: {counts}, times relative to now."


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true", help="delete all shop rows and build the demo again")
    args = parser.parse_args(argv)
    engine = make_engine()
    where = engine.url.render_as_string(hide_password=True)
    try:
        result = ensure_demo_loaded(engine, reset=args.reset)
    except ShopError as error:
        print(f"Demo shop not loaded into {where}: {error.__cause__ or error}", file=sys.stderr)
        return 1
    print(describe(result, where))
    return 0


if __name__ == "__main__":
    sys.exit(main())
