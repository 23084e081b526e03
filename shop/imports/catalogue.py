"""Apply parsed catalogue records: products, size charts, stock (``session=``, the caller commits).

``now`` is accepted like the order appliers' and unused: the catalogue has no times.

Each function upserts by the record's natural key and counts what changed in
the report; a column the file does not have leaves that field as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shop.imports.records import Record, diff_set, refuse
from shop.imports.report import ImportReport
from shop.imports.vocabulary import load_import_vocabulary
from shop.models import PlatformItem, Product, SizeChartRow, StockLevel

PRODUCT_FIELDS = (
    "name",
    "price",
    "category",
    "colors",
    "materials",
    "care",
    "free_shipping",
    "no_reason_return",
)


def _products(codes: set[str], *, session: Session) -> dict[str, Product]:
    found = session.scalars(
        select(Product)
        .where(Product.code.in_(codes))
        .options(
            selectinload(Product.platform_items),
            selectinload(Product.size_chart),
            selectinload(Product.stock),
        )
    )
    return {p.code: p for p in found}


def apply_products(
    records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime | None = None
) -> None:
    existing = _products({r.values["code"] for r in records}, session=session)
    categories = load_import_vocabulary().categories
    for record in records:
        values = dict(record.values)
        if "category" in values:
            values["category"] = categories.get(values["category"], values["category"])
        product = existing.get(values["code"])
        created = product is None
        if product is None:
            product = Product(
                code=values["code"], category="", colors=[], materials={}, care="", pairs_with=[]
            )
            session.add(product)
            existing[product.code] = product
        diffs: list[str] = []
        for field in PRODUCT_FIELDS + ("pairs_with",):
            if field in values:
                diff_set(product, field, values[field], diffs)
        for item_id in values.get("item_ids", []):
            if len(item_id) > 32:
                continue
            if item_id not in {i.item_id for i in product.platform_items}:
                other = session.get(PlatformItem, item_id)
                if other is not None:  # the listing now sells this product
                    session.delete(other)
                    session.flush()
                product.platform_items.append(PlatformItem(item_id=item_id))
                diffs.append(f"宝贝ID +{item_id}")
        report.note(created, f"商品 {product.code}", diffs)


def _chart_row(values: dict[str, Any], position: int) -> dict[str, Any]:
    row: dict[str, Any] = {"position": position, "size": values["size"], "label": values.get("label") or None}
    if "weight_jin" in values and "weight" not in values:
        low, high = values["weight_jin"]
        values["weight"] = (None if low is None else low / 2, None if high is None else high / 2)
    for measure in SizeChartRow.MEASUREMENTS:
        row[f"{measure}_min"], row[f"{measure}_max"] = values.get(measure) or (None, None)
    return row


def _known(record: Record, products: dict[str, Product], report: ImportReport) -> Product | None:
    product = products.get(record.values["code"])
    if product is None:
        refuse(report, record, "code", "unknown_product", record.values["code"])
    return product


def apply_size_charts(
    records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime | None = None
) -> None:
    """A product's rows in the file replace its size chart (in the file's order)."""
    products = _products({r.values["code"] for r in records}, session=session)
    by_product: dict[str, list[Record]] = {}
    for record in records:
        if _known(record, products, report) is not None:
            by_product.setdefault(record.values["code"], []).append(record)
    for code, rows in by_product.items():
        product = products[code]
        wanted = [_chart_row(dict(r.values), n) for n, r in enumerate(rows)]
        columns = list(wanted[0])
        have = [{c: getattr(row, c) for c in columns} for row in product.size_chart]
        if have == wanted:
            report.unchanged += 1
            continue
        product.size_chart.clear()
        session.flush()  # the old rows go before new ones take their (product, size) keys
        product.size_chart.extend(SizeChartRow(**row) for row in wanted)
        sizes = "/".join(row["size"] for row in wanted)
        report.note(not have, f"尺码表 {code}", [f"尺码 {sizes}"])


def apply_stock(
    records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime | None = None
) -> None:
    products = _products({r.values["code"] for r in records}, session=session)
    for record in records:
        product = _known(record, products, report)
        if product is None:
            continue
        values = record.values
        level = next(
            (s for s in product.stock if (s.color, s.size) == (values["color"], values["size"])), None
        )
        created = level is None
        if level is None:
            level = StockLevel(color=values["color"], size=values["size"], quantity=0)
            product.stock.append(level)
        diffs: list[str] = []
        diff_set(level, "quantity", values["quantity"], diffs)
        if "restock_on" in values:
            diff_set(level, "restock_on", values["restock_on"], diffs)
            if values["restock_on"] is not None:
                diff_set(level, "fixed_restock_days", None, diffs)
        if "restock_days" in values:
            diff_set(level, "fixed_restock_days", values["restock_days"], diffs)
        if values["color"] not in product.colors:
            product.colors = [*product.colors, values["color"]]
        report.note(created, f"库存 {product.code} {values['color']} {values['size']}", diffs)
