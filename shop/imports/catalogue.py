"""Apply parsed catalogue records: products, size charts, stock (``session=``, the caller commits).

``now`` is accepted like the order appliers' and unused: the catalogue has no times.

Each function upserts by the record's natural key and counts what changed in
the report; a column the file does not have leaves that field as it is. A
catalogue export is tens of thousands of stock rows (products x colours x
sizes), so the rows a file names are read as plain rows, diffed in memory and
only new or changed ones written (shop/imports/bulk.py says why not the ORM).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shop.imports.bulk import (
    delete_rows,
    delete_where_in,
    expire_loaded,
    insert_rows,
    rows_where_in,
    update_rows,
    update_rows_by,
)
from shop.imports.records import Record, diff_put, refuse
from shop.imports.report import ImportReport
from shop.imports.vocabulary import load_import_vocabulary
from shop.models import PlatformItem, Product, SizeChartRow, StockLevel

PRODUCTS = Product.__table__
PLATFORM_ITEMS = PlatformItem.__table__
SIZE_CHARTS = SizeChartRow.__table__
STOCK = StockLevel.__table__

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
# StockLevel.fixed_restock_days is the column "restock_days": rows are diffed under
# the attribute's name so that a report reads as it did when the ORM wrote them.
_RESTOCK_DAYS = ("fixed_restock_days", "restock_days")


def _new_product(code: str) -> dict[str, Any]:
    """A new product's row before the file's cells: the model's defaults (name and price are required)."""
    return {"code": code, "name": "", "price": None, "category": "", "colors": [], "materials": {},
            "care": "", "pairs_with": [], "free_shipping": False, "no_reason_return": True}  # fmt: skip


def _stored_products(codes: Iterable[str], *, session: Session) -> dict[str, dict[str, Any]]:
    """{code: product row} of the stored products among ``codes``."""
    session.flush()  # the reads and writes below bypass the unit of work
    return {row["code"]: row for row in rows_where_in(session, PRODUCTS, PRODUCTS.c.code, codes)}


def apply_products(
    records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime | None = None
) -> None:
    stored = _stored_products([r.values["code"] for r in records], session=session)
    item_ids = [i for r in records for i in r.values.get("item_ids", []) if len(i) <= 32]
    owners = {
        row["item_id"]: row["product_code"]
        for row in rows_where_in(session, PLATFORM_ITEMS, PLATFORM_ITEMS.c.item_id, item_ids)
    }
    categories = load_import_vocabulary().categories
    new: dict[str, dict[str, Any]] = {}
    changed: dict[str, dict[str, Any]] = {}
    listed: dict[str, str] = {}  # item id -> the product it now means (rows to insert)
    relisted: list[str] = []  # item ids a stored row gives to another product (rows to delete first)
    for record in records:
        values = dict(record.values)
        if "category" in values:
            values["category"] = categories.get(values["category"], values["category"])
        code = values["code"]
        row = stored.get(code)
        created = row is None
        if row is None:
            row = stored[code] = new[code] = _new_product(code)
        change = changed.setdefault(code, {}) if code not in new else {}
        diffs: list[str] = []
        for field in PRODUCT_FIELDS + ("pairs_with",):
            if field in values:
                diff_put(row, change, field, values[field], diffs)
        for item_id in values.get("item_ids", []):
            if len(item_id) > 32 or owners.get(item_id) == code:
                continue
            if item_id in owners and item_id not in listed:  # the listing now sells this product
                relisted.append(item_id)
            owners[item_id] = listed[item_id] = code
            diffs.append(f"宝贝ID +{item_id}")
        report.note(created, f"商品 {code}", diffs)
    insert_rows(session, PRODUCTS, list(new.values()))
    update_rows_by(
        session, PRODUCTS, "code", [{"code": c, **change} for c, change in changed.items() if change]
    )
    delete_where_in(session, PLATFORM_ITEMS, PLATFORM_ITEMS.c.item_id, relisted)
    insert_rows(session, PLATFORM_ITEMS, [{"item_id": i, "product_code": c} for i, c in listed.items()])
    expire_loaded(session, Product, PlatformItem)


def _chart_row(values: dict[str, Any], position: int) -> dict[str, Any]:
    row: dict[str, Any] = {"position": position, "size": values["size"], "label": values.get("label") or None}
    if "weight_jin" in values and "weight" not in values:
        low, high = values["weight_jin"]
        values["weight"] = (None if low is None else low / 2, None if high is None else high / 2)
    for measure in SizeChartRow.MEASUREMENTS:
        row[f"{measure}_min"], row[f"{measure}_max"] = values.get(measure) or (None, None)
    return row


def _known(
    record: Record, products: dict[str, dict[str, Any]], report: ImportReport
) -> dict[str, Any] | None:
    product = products.get(record.values["code"])
    if product is None:
        refuse(report, record, "code", "unknown_product", record.values["code"])
    return product


def apply_size_charts(
    records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime | None = None
) -> None:
    """A product's rows in the file replace its size chart (in the file's order)."""
    products = _stored_products([r.values["code"] for r in records], session=session)
    by_product: dict[str, list[Record]] = {}
    for record in records:
        if _known(record, products, report) is not None:
            by_product.setdefault(record.values["code"], []).append(record)
    charts: dict[str, list[dict[str, Any]]] = {}
    query = (SIZE_CHARTS.c.product_code, SIZE_CHARTS.c.position)
    for row in rows_where_in(session, SIZE_CHARTS, SIZE_CHARTS.c.product_code, by_product, *query):
        charts.setdefault(row["product_code"], []).append(row)
    gone: list[int] = []
    new: list[dict[str, Any]] = []
    for code, rows in by_product.items():
        wanted = [_chart_row(dict(r.values), n) for n, r in enumerate(rows)]
        columns = list(wanted[0])
        stored = charts.get(code, [])
        have = [{c: row[c] for c in columns} for row in stored]
        if have == wanted:
            report.unchanged += 1
            continue
        # The old rows go before new ones take their (product, size) keys.
        gone.extend(row["id"] for row in stored)
        new.extend({"product_code": code, **row} for row in wanted)
        sizes = "/".join(row["size"] for row in wanted)
        report.note(not have, f"尺码表 {code}", [f"尺码 {sizes}"])
    delete_rows(session, SIZE_CHARTS, gone)
    insert_rows(session, SIZE_CHARTS, new)
    expire_loaded(session, Product, SizeChartRow)


def _stock_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stock_levels row as read, its restock days under the attribute's name."""
    attribute, column = _RESTOCK_DAYS
    row[attribute] = row.pop(column)
    return row


def _stock_columns(row: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`_stock_row`, for writing."""
    attribute, column = _RESTOCK_DAYS
    return {column if key == attribute else key: value for key, value in row.items()}


def apply_stock(
    records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime | None = None
) -> None:
    codes = [r.values["code"] for r in records]
    products = _stored_products(codes, session=session)
    levels = {
        (row["product_code"], row["color"], row["size"]): _stock_row(row)
        for row in rows_where_in(session, STOCK, STOCK.c.product_code, codes, STOCK.c.id)
    }
    new: list[dict[str, Any]] = []
    changed: dict[int, dict[str, Any]] = {}
    recoloured: dict[str, list[str]] = {}
    for record in records:
        product = _known(record, products, report)
        if product is None:
            continue
        values = record.values
        key = (values["code"], values["color"], values["size"])
        level = levels.get(key)
        created = level is None
        if level is None:
            level = levels[key] = {"product_code": key[0], "color": key[1], "size": key[2], "quantity": 0,
                                   "fixed_restock_days": None, "restock_on": None}  # fmt: skip
            new.append(level)
        change = changed.setdefault(level["id"], {}) if "id" in level else {}
        diffs: list[str] = []
        diff_put(level, change, "quantity", values["quantity"], diffs)
        if "restock_on" in values:
            diff_put(level, change, "restock_on", values["restock_on"], diffs)
            if values["restock_on"] is not None:
                diff_put(level, change, "fixed_restock_days", None, diffs)
        if "restock_days" in values:
            diff_put(level, change, "fixed_restock_days", values["restock_days"], diffs)
        if values["color"] not in product["colors"]:
            product["colors"] = recoloured[product["code"]] = [*product["colors"], values["color"]]
        report.note(created, f"库存 {product['code']} {values['color']} {values['size']}", diffs)
    insert_rows(session, STOCK, [_stock_columns(row) for row in new])
    update_rows(
        session, STOCK, [_stock_columns({"id": i, **change}) for i, change in changed.items() if change]
    )
    update_rows_by(
        session, PRODUCTS, "code", [{"code": c, "colors": colors} for c, colors in recoloured.items()]
    )
    expire_loaded(session, Product, StockLevel)
