"""Read an export file into rows of cells keyed by header: CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX.

Row numbers are the ones a spreadsheet shows (the header is row 1), so a
report's "row 7" is row 7 on the owner's screen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# GB18030 is a superset of GBK (what Excel in China writes) and of GB2312.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX export we can read."""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: list[tuple[int, dict[str, Any]]]  # (row number, {header: cell})


def _header(cell: Any) -> str:
    return "" if cell is None else str(cell).strip().lstrip("\ufeff").strip()


def _rows(header_row: list[Any], body: Iterator[tuple[int, list[Any]]]) -> Table:
    headers = tuple(_header(cell) for cell in header_row)
    if not any(headers):
        raise UnreadableFile("no header row")
    rows = []
    for number, cells in body:
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue  # blank lines and Excel's trailing empty rows
        rows.append((number, {h: cells[i] if i < len(cells) else None for i, h in enumerate(headers) if h}))
    return Table(headers=tuple(h for h in headers if h), rows=rows)


def decode_csv(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("not UTF-8 or GBK text")


def read_csv(data: bytes) -> Table:
    reader = csv.reader(io.StringIO(decode_csv(data), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFile("the file is empty") from None
    except csv.Error as error:
        raise UnreadableFile(str(error)) from None
    try:
        return _rows(header, enumerate(reader, start=2))
    except csv.Error as error:
        raise UnreadableFile(f"line {reader.line_num}: {error}") from None  # noqa: B023


def read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook  # only XLSX imports pay for loading it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise UnreadableFile(str(error)) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        try:
            header = list(next(rows))
        except StopIteration:
            raise UnreadableFile("the sheet is empty") from None
        return _rows(header, ((number, list(row)) for number, row in enumerate(rows, start=2)))
    finally:
        workbook.close()


def read_table(path: Path) -> Table:
    """The first sheet of an XLSX file, or a CSV file, as a :class:`Table`."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if path.suffix.lower() == ".xls":
        raise UnreadableFile("old .xls files: save as .xlsx or CSV first")
    return read_csv(path.read_bytes())


def records_table(records: list[dict[str, Any]]) -> Table:
    """Rows given as dicts (a platform API client's, the demo's) numbered from 2 like a file."""
    headers: dict[str, None] = {}
    for record in records:
        headers.update(dict.fromkeys(record))
    return Table(headers=tuple(headers), rows=[(n, dict(r)) for n, r in enumerate(records, start=2)])
