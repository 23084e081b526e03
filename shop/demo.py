"""Build the demo shop from ``data/demo_shop/shop.yaml``: ``python -m shop.demo [--reset|--fresh]``.

The demo shop goes in the way a real shop's data does: its products, buyers and
orders become the rows of the export kinds shop.imports reads (docs/imports.md)
and are imported by the same functions. Migrates the database first. Relative times in the file (``*_days_ago``,
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
from shop.db.errors import ShopError
from shop.db.migrate import upgrade
from shop.db.settings import DEMO_SHOP_PATH, PROJECT_ROOT
from shop.imports.run import ORDER, apply_table
from shop.imports.tables import records_table
from shop.models import ORDER_STATUSES, Base, Buyer, Order, Product, Promotion, ShopInfo, utcnow

# Size chart measurement -> the size chart export's header (demo weights are kg).
CHART_HEADERS = {
    "height": "身高(cm)",
    "weight": "体重(kg)",
    "bust": "胸围(cm)",
    "waist": "腰围(cm)",
    "hip": "臀围(cm)",
    "shoulder": "肩宽(cm)",
}


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


def _flag(value: Any) -> str:
    return "是" if value else "否"


def _span(pair: Sequence[Any] | None) -> str:
    return "" if not pair else f"{pair[0]}-{pair[1]}"


def _product_rows(spec: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One demo product as the rows of a product, size chart and stock export."""
    code = str(spec["code"])
    product = {
        "商家编码": code,
        "宝贝标题": spec["name"],
        "宝贝ID": ",".join(str(i) for i in spec.get("item_ids", [])),
        "价格": str(_money(spec["price"])),
        "类目": spec["category"],
        "颜色": ",".join(str(c) for c in spec.get("colors", [])),
        "材质": " ".join(f"{fibre}{percent}%" for fibre, percent in (spec.get("materials") or {}).items()),
        "洗涤说明": spec.get("care", ""),
        "包邮": _flag(spec.get("free_shipping", False)),
        "七天无理由": _flag(spec.get("no_reason_return", True)),
        "搭配": ",".join(str(c) for c in spec.get("pairs_with", [])),
    }
    chart = [
        {
            "商家编码": code,
            "尺码": str(row["size"]),
            "号型": row.get("label") or "",
            **{header: _span(row.get(measure)) for measure, header in CHART_HEADERS.items()},
        }
        for row in spec.get("size_chart", [])
    ]
    restock = spec.get("restock_days") or {}
    stock = [
        {
            "商家编码": code,
            "颜色": str(color),
            "尺码": str(size),
            "库存": quantity,
            "到货天数": (restock.get(color) or {}).get(size),
        }
        for color, sizes in (spec.get("stock") or {}).items()
        for size, quantity in sizes.items()
    ]
    return {"products": [product], "size_charts": chart, "stock": stock}


def _order_rows(spec: Mapping[str, Any], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """One demo order as the rows of an order export (one per item) and of a tracking export."""
    ship = spec.get("shipment") or {}
    order = {
        "订单编号": str(spec["id"]),
        "买家会员名": spec["buyer"],
        "订单状态": spec["status"],
        "订单创建时间": _ago(spec, "created", now),
        "付款时间": _ago(spec, "paid", now),
        "发货时间": _ago(ship, "shipped", now) if ship else None,
        "签收时间": _ago(ship, "signed", now) if ship else None,
        "物流公司": ship.get("courier", ""),
        "运单号": str(ship.get("tracking_no", "")),
        "邮费": str(_money(spec.get("shipping_fee", 0))),
        "运费险": _flag(spec.get("return_shipping_insurance", False)),
    }
    items = [
        {
            **order,
            "商家编码": str(item["product"]),
            "颜色分类/尺码": f"颜色分类:{item['color']};尺码:{item['size']}",
            "购买数量": int(item.get("qty", 1)),
            "价格": str(_money(item["price"])),
        }
        for item in spec.get("items", [])
    ]
    if not items:
        raise ShopError(f"order {spec['id']}: no items")
    events = [
        {"运单号": str(ship["tracking_no"]), "时间": _ago(event, "", now) or now, "物流信息": event["text"]}
        for event in ship.get("events", [])
    ]
    return {"orders": items, "tracking": events}


def demo_exports(data: Mapping[str, Any], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The demo shop file as the rows of each export kind, times relative to ``now``."""
    rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ORDER}
    for spec in data["products"]:
        for kind, more in _product_rows(spec).items():
            rows[kind] += more
    rows["buyers"] = [
        {
            "买家会员名": spec["account"],
            "称呼": spec["name"],
            "手机": str(spec["phone_last4"]),
            "首次购买时间": _ago(spec, "first_order", now),
        }
        for spec in data.get("buyers", [])
    ]
    for spec in data.get("orders", []):
        if spec["status"] not in ORDER_STATUSES:
            raise ShopError(f"order {spec['id']}: unknown status {spec['status']!r}")
        for kind, more in _order_rows(spec, now).items():
            rows[kind] += more
    return rows


def _import_exports(session: Session, rows: Mapping[str, list[dict[str, Any]]], now: datetime) -> None:
    """Import the demo's rows through the path a shop's export files take."""
    for kind in ORDER:
        report = apply_table(records_table(rows[kind]), kind, session=session, source="demo", now=now)
        if report.problems:
            raise ShopError(f"demo {kind}: " + "; ".join(p.line() for p in report.problems))


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
    fresh: bool = False,
    source: str = "data/demo_shop/shop.yaml",
) -> DemoLoadResult:
    """Build the demo shop in ``session`` (the caller commits); see the module docstring.

    ``fresh``: rebuild it when the database holds the demo shop (yesterday's demo
    state goes), load it into an empty one, and refuse anything else.
    """
    info = session.scalars(select(ShopInfo)).first()
    if fresh and info is not None:
        if info.source != source:
            raise ShopError(
                f"the database holds the shop {info.name} from {info.source}; use --reset to replace it"
            )
        reset = True
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
    _import_exports(session, demo_exports(data, now), now)
    session.flush()
    return DemoLoadResult(
        "reset" if reset else "loaded",
        now,
        shop.get("name", ""),
        len(data["products"]),
        len(data.get("buyers", [])),
        len(data.get("orders", [])),
    )


def ensure_demo_loaded(
    engine: Engine | None = None,
    *,
    path: Path = DEMO_SHOP_PATH,
    reset: bool = False,
    fresh: bool = False,
    now: datetime | None = None,
) -> DemoLoadResult:
    """Migrate the database and load the demo shop unless it is there already (``fresh``: rebuild it)."""
    engine = engine or make_engine()
    upgrade(engine=engine)
    try:
        source = str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        source = str(path)
    data = read_demo_shop(path)
    with db_errors_as_shop_errors(), Session(engine, expire_on_commit=False) as session, session.begin():
        return load_demo(session, data=data, now=now, reset=reset, fresh=fresh, source=source)


def holds_own_shop(engine: Engine) -> bool:
    """Whether the database holds a shop's own data (imported products, no demo shop)."""
    upgrade(engine=engine)
    with Session(engine) as session:
        return session.scalars(select(ShopInfo)).first() is None and _count(session, Product) > 0


def ensure_a_shop(engine: Engine | None = None) -> DemoLoadResult | None:
    """The shop in the database as it is when it has its own (imported: None), else the demo shop."""
    engine = engine or make_engine()
    if holds_own_shop(engine):
        return None
    return ensure_demo_loaded(engine)


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
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--reset", action="store_true", help="delete all shop rows and build the demo again")
    choice.add_argument(
        "--fresh",
        action="store_true",
        help="rebuild the demo shop if the database holds it (make demo does); never replaces another shop",
    )
    args = parser.parse_args(argv)
    engine = make_engine()
    where = engine.url.render_as_string(hide_password=True)
    try:
        result = ensure_demo_loaded(engine, reset=args.reset, fresh=args.fresh)
    except ShopError as error:
        print(f"Demo shop not loaded into {where}: {error.__cause__ or error}", file=sys.stderr)
        return 1
    print(describe(result, where))
    return 0


if __name__ == "__main__":
    sys.exit(main())
