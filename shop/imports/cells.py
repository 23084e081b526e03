"""Parsers of single export cells: text, numbers, money, times, flags, ranges, SKUs, fibres.

A cell arrives as a string (CSV) or as what the spreadsheet holds (XLSX: numbers,
datetimes). Each parser returns the value the shop stores or raises
:class:`BadCell` naming the reason (a key of data/imports.yml).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from shop.imports.vocabulary import load_import_vocabulary


class BadCell(ValueError):
    """A cell the importer cannot read; ``reason`` is a key of data/imports.yml."""

    def __init__(self, reason: str, **values: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values


def text(value: Any) -> str:
    """The cell as trimmed text ('' when empty); whole numbers lose Excel's ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Seller tools prefix long numbers with a tab or ' so that Excel keeps them text.
    return str(value).strip().lstrip("'").strip()


# Excel keeps 15 significant digits of a number: an order number it took for one
# (4.02773E+18, 4027731846512090000) has lost its last digits.
EXCEL_DIGITS = 15
_AS_NUMBER = re.compile(r"\d+(?:\.\d*)?[eE][+-]?\d+|\d+\.0+")
# ="4027731846512093318": how seller tools make Excel keep a long number as text.
_FORMULA_TEXT = re.compile(r'^="(.*)"$')


def order_number(value: Any) -> str:
    """An order number (订单编号) as written, its digits checked later; Excel's damage is refused.

    A number cell, or text such as "4.02773E+18" or "…318.0", is what Excel makes of a
    long order number: its last digits cannot be trusted, so the owner is asked to
    export the column as text rather than the importer guessing which order it was.
    """
    if isinstance(value, bool):
        raise BadCell("order_id_as_number")
    if isinstance(value, int | float):
        whole = value if isinstance(value, int) else int(value) if value.is_integer() else None
        if whole is None or len(str(abs(whole))) > EXCEL_DIGITS:
            raise BadCell("order_id_as_number")
        return str(whole)
    raw = text(value)
    protected = _FORMULA_TEXT.match(raw)
    if protected:
        raw = text(protected.group(1))
    if _AS_NUMBER.fullmatch(raw):
        raise BadCell("order_id_as_number")
    return raw


def limited(value: Any, limit: int) -> str:
    out = text(value)
    if len(out) > limit:
        raise BadCell("too_long", limit=limit)
    return out


# What seller tools put between the waybills of an order shipped in several parcels
# (拆单/分批发货). Spaces only count between parts that each look like a whole waybill.
_WAYBILL_SEPARATORS = re.compile(r"[,，;；/、]+")
_WAYBILL_MIN = 8


def waybills(value: Any, limit: int = 40) -> tuple[str, ...]:
    """The 运单号 of a cell: one, or several for an order shipped in several parcels (empty: none yet)."""
    raw = text(value)
    parts = [part.strip() for part in _WAYBILL_SEPARATORS.split(raw) if part.strip()]
    if len(parts) == 1:
        spaced = parts[0].split()
        if len(spaced) > 1 and all(len(part) >= _WAYBILL_MIN for part in spaced):
            parts = spaced
    return tuple(dict.fromkeys(limited(part, limit) for part in parts))


def integer(value: Any) -> int:
    raw = text(value).replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise BadCell("number") from None
    if number != number.to_integral_value() or number < 0:
        raise BadCell("number")
    return int(number)


def money(value: Any) -> Decimal:
    raw = text(value).replace(",", "").removeprefix("¥").removeprefix("￥").strip()
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise BadCell("money") from None
    if not amount.is_finite() or amount < 0:
        raise BadCell("money")
    return amount.quantize(Decimal("0.01"))


def measure(value: Any) -> float:
    raw = text(value)
    try:
        return float(raw)
    except ValueError:
        raise BadCell("number") from None


_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)


def moment(value: Any, zone: tzinfo) -> datetime | None:
    """An aware UTC time; naive times are in the shop's zone. None when empty."""
    if isinstance(value, datetime):
        parsed = value
    else:
        raw = text(value)
        if not raw:
            return None
        try:  # the usual "2026-12-02 20:11:05", several times faster than strptime
            parsed = datetime.fromisoformat(raw)
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(UTC)
        except ValueError:
            pass
        for fmt in _TIME_FORMATS:
            try:
                parsed = datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
        else:
            try:
                parsed = datetime.fromisoformat(raw)
            except ValueError:
                raise BadCell("time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise BadCell("date")


def flag(value: Any) -> bool:
    raw = text(value).upper()
    vocabulary = load_import_vocabulary()
    if raw in vocabulary.yes:
        return True
    if raw in vocabulary.no:
        return False
    raise BadCell("flag")


_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:(?:-|~|～|—|至|到)\s*(\d+(?:\.\d+)?))?\s*$")


def span(value: Any) -> tuple[float | None, float | None]:
    """'150-157' -> (150, 157); '160' -> (160, 160); '' -> (None, None)."""
    raw = text(value)
    if not raw:
        return None, None
    match = _RANGE.match(raw)
    if not match:
        raise BadCell("range")
    low = float(match.group(1))
    high = float(match.group(2)) if match.group(2) else low
    if high < low:
        raise BadCell("range")
    return low, high


_LIST_SEPARATORS = re.compile(r"[,，、;；/|\s]+")


def listing(value: Any) -> list[str]:
    """'红色,驼色' / '红色、驼色' / '红色 驼色' -> ['红色', '驼色'] (order kept, no repeats)."""
    items = [item for item in _LIST_SEPARATORS.split(text(value)) if item]
    return list(dict.fromkeys(items))


_SKU_PART = re.compile(r"^\s*([^:：]+)[:：]\s*(.+?)\s*$")
_COLOUR_KEYS = ("颜色分类", "颜色", "主要颜色", "color")
_SIZE_KEYS = ("尺码", "尺寸", "参考身高", "size")


def sku(value: Any) -> tuple[str, str]:
    """'颜色分类:红色;尺码:L' -> ('红色', 'L'); also '红色;L' and '红色/L'."""
    raw = text(value)
    parts = [part for part in re.split(r"[;；]", raw) if part.strip()]
    named = [_SKU_PART.match(part) for part in parts]
    if parts and all(named):
        fields = {m.group(1).strip(): m.group(2) for m in named if m}
        colour = next((fields[k] for k in _COLOUR_KEYS if k in fields), None)
        size = next((fields[k] for k in _SIZE_KEYS if k in fields), None)
    else:
        pieces = [p.strip() for p in re.split(r"[;；/]", raw) if p.strip()]
        colour, size = (pieces[0], pieces[1]) if len(pieces) == 2 else (None, None)
    if not colour or not size or len(colour) > 32 or len(size) > 16:
        raise BadCell("sku")
    return colour, size


_FIBRE = re.compile(r"([^\d%％,，、;；/\s]+?)\s*(?:含量)?\s*[:：]?\s*(\d+(?:\.\d+)?)\s*[%％]")


def materials(value: Any) -> dict[str, float | int]:
    """'羊毛80% 锦纶20%' (or '羊毛:80%,锦纶:20%') -> {'wool': 80, 'polyamide': 20}."""
    raw = text(value)
    if not raw:
        return {}
    found = _FIBRE.findall(raw)
    leftover = _FIBRE.sub("", raw)
    if not found or re.sub(r"[,，、;；/\s]", "", leftover):
        raise BadCell("materials")
    fibres = load_import_vocabulary().fibres
    out: dict[str, float | int] = {}
    for name, percent in found:
        number = float(percent)
        out[fibres.get(name, name)] = int(number) if number.is_integer() else number
    return out


def phone_tail(value: Any) -> str:
    """The last four digits of a phone number (a masked '138****1234' still has them)."""
    digits = re.sub(r"\D", "", text(value))
    return digits[-4:] if len(digits) >= 4 else ""
