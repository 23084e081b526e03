"""Rows of a table parsed into records of one kind, and the small helpers the appliers share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from decimal import Decimal
from functools import partial
from typing import Any

from shop.imports import cells as parsers
from shop.imports.cells import BadCell
from shop.imports.columns import Kind, header_of
from shop.imports.report import ImportReport, Problem
from shop.imports.tables import Table
from shop.imports.vocabulary import load_import_vocabulary

# Optional cells whose blank means "not given", leaving the stored value alone
# (a blank 邮费 is not a free parcel); other parsers read blank as empty.
_BLANK_IS_ABSENT = {parsers.money, parsers.integer, parsers.measure}
_UNCHANGEABLE = (str, int, float, Decimal, date, tuple)  # date: datetime too; int: bool too
_UNKNOWN = object()


@dataclass(frozen=True)
class Record:
    """One row's values by column key (only the columns the file has); ``row`` as on screen."""

    row: int
    values: dict[str, Any]
    headers: dict[str, str]  # column key -> the file's header, to name it in a report


def problem(row: int, column: str, reason: str, value: Any = "", **extra: Any) -> Problem:
    zh, en = load_import_vocabulary().reason(reason, column=column, value=value, **extra)
    return Problem(row=row, column=column, zh=zh, en=en)


def refuse(report: ImportReport, record: Record, key: str, reason: str, value: Any = "") -> None:
    """Report ``record`` as not imported because of its ``key`` column."""
    report.problems.append(problem(record.row, record.headers.get(key, key), reason, value))


def parse_table(kind: Kind, table: Table, zone: tzinfo, report: ImportReport) -> list[Record]:
    """The rows that parse, as records; each bad row is reported once (its first bad cell)."""
    found = header_of(kind, table.headers)
    missing = [c for c in kind.required() if c.key not in found]
    if missing:
        report.problems.extend(problem(1, c.header, "missing_column") for c in missing)
        return []
    # An export repeats most cells (an order's times on each of its lines, a status,
    # a SKU): each distinct text of a column is parsed once. Only values nobody
    # changes in place are kept (not the lists and dicts of a product's cells).
    columns = [
        (c.key, found[c.key], partial(c.parse, zone=zone) if c.timed else c.parse, c.required,
         c.parse in _BLANK_IS_ABSENT, {})
        for c in kind.columns
        if c.key in found
    ]  # fmt: skip
    records = []
    for row, cells in table.rows:
        report.rows += 1
        values: dict[str, Any] = {}
        for key, header, parse, required, blank_is_absent, known in columns:
            raw = cells.get(header)
            if type(raw) is str:  # a CSV's cells; a spreadsheet's may be numbers or times
                value = known.get(raw, _UNKNOWN)
                if value is not _UNKNOWN:
                    values[key] = value
                    continue
            blank = raw is None or str(raw).strip() == ""
            if blank and required:
                report.problems.append(problem(row, header, "missing"))
                report.refused.append((row, values))
                break
            if blank and blank_is_absent:
                continue
            try:
                value = values[key] = parse(raw)
            except BadCell as bad:
                shown = "" if raw is None else str(raw).strip()
                report.problems.append(problem(row, header, bad.reason, shown, **bad.values))
                report.refused.append((row, values))
                break
            if type(raw) is str and (value is None or isinstance(value, _UNCHANGEABLE)):
                known[raw] = value
        else:
            records.append(Record(row=row, values=values, headers=found))
    return records


def diff_set(obj: object, field: str, value: Any, diffs: list[str]) -> None:
    """Set ``obj.field`` to ``value``, noting "field old → new" when it changes."""
    old = getattr(obj, field)
    if old != value:
        setattr(obj, field, value)
        diffs.append(f"{field} {_shown(old)} → {_shown(value)}")


def diff_put(row: dict[str, Any], changed: dict[str, Any], field: str, value: Any, diffs: list[str]) -> None:
    """:func:`diff_set` for a row read as a dict: a change also goes into ``changed`` (to be written)."""
    old = row.get(field)
    if old != value:
        row[field] = changed[field] = value
        diffs.append(f"{field} {_shown(old)} → {_shown(value)}")


def _shown(value: Any) -> str:
    if value is None:
        return "∅"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "hour") else value.isoformat()
    return str(value)
