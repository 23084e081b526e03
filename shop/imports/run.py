"""The import path: a file (or records from any source) of one kind into the shop database.

:func:`import_records` is what a future platform API client calls with the rows
it fetched (dicts keyed by the same headers as an export file); :func:`import_file`
reads an export file first. Both run in one transaction: a dry run, or a strict
import that found a bad row, rolls it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from shop.db.settings import shop_timezone
from shop.imports import catalogue, orders
from shop.imports.columns import KINDS, Kind, detect_kind
from shop.imports.records import parse_table, problem
from shop.imports.report import ImportReport
from shop.imports.tables import Table, UnreadableFile, read_table, records_table
from shop.models import utcnow

# Dependency order when several files come at once: products before the rows naming them.
ORDER = ("products", "size_charts", "stock", "buyers", "orders", "tracking")

_APPLIERS: dict[str, Callable[..., None]] = {
    "products": catalogue.apply_products,
    "size_charts": catalogue.apply_size_charts,
    "stock": catalogue.apply_stock,
    "buyers": orders.apply_buyers,
    "orders": orders.apply_orders,
    "tracking": orders.apply_tracking,
}


def apply_table(
    table: Table,
    kind: str | None = None,
    *,
    session: Session,
    source: str = "",
    now: datetime | None = None,
    zone: tzinfo | None = None,
) -> ImportReport:
    """Apply one table to ``session`` and flush; the caller commits or rolls back."""
    found: Kind | None = KINDS[kind] if kind else detect_kind(table.headers)
    report = ImportReport(kind=kind or (found.name if found else "?"), source=source)
    if found is None:
        report.problems.append(problem(1, "", "unknown_kind"))
        return report
    records = parse_table(found, table, zone or shop_timezone(), report)
    _APPLIERS[found.name](records, session=session, report=report, now=now or utcnow())
    session.flush()
    return report


def import_table(
    table: Table,
    kind: str | None = None,
    *,
    session: Session,
    source: str = "",
    dry_run: bool = False,
    strict: bool = False,
    now: datetime | None = None,
    zone: tzinfo | None = None,
) -> ImportReport:
    """Import one table in its own transaction: committed unless ``dry_run`` (or ``strict`` and a bad row)."""
    try:
        report = apply_table(table, kind, session=session, source=source, now=now, zone=zone)
    except BaseException:
        session.rollback()
        raise
    report.dry_run = dry_run
    if dry_run or (strict and report.problems) or report.kind == "?":
        session.rollback()
    else:
        session.commit()
        report.applied = True
    return report


def import_records(
    kind: str, records: Iterable[Mapping[str, Any]], *, session: Session, source: str = "api", **options: Any
) -> ImportReport:
    """Import rows fetched from anywhere (a platform API, the demo): dicts keyed by export headers."""
    return import_table(
        records_table([dict(r) for r in records]), kind, session=session, source=source, **options
    )


def import_file(path: Path, kind: str | None = None, *, session: Session, **options: Any) -> ImportReport:
    """Import one export file (CSV in UTF-8/GBK, or XLSX); the kind is recognised by its headers."""
    try:
        table = read_table(path)
    except (UnreadableFile, OSError) as error:
        report = ImportReport(kind=kind or "?", source=str(path), dry_run=bool(options.get("dry_run")))
        report.problems.append(problem(1, "", "unreadable", str(error)))
        return report
    return import_table(table, kind, session=session, source=str(path), **options)
