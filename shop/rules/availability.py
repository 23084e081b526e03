"""Stock answers per colour and size, with restock times and alternatives.

Takes plain stock levels (colour, size, quantity, restock days) and what the
buyer asked about; returns which case applies and the facts to say. A restock
time is an estimate from the catalogue, and the templates say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# At or below this many units the reply says stock is running low, so a buyer
# who hesitates is not surprised when it sells out.
LOW_STOCK = 3


class StockLike(Protocol):
    """What the answer needs of a stock level (shop.models.StockLevel fits)."""

    color: str
    size: str
    quantity: int
    restock_days: int | None


@dataclass(frozen=True)
class Level:
    """A plain stock level, for tests."""

    color: str
    size: str
    quantity: int
    restock_days: int | None = None


@dataclass(frozen=True)
class StockAnswer:
    """The decision; `rule` names the case."""

    rule: str
    color: str | None = None
    size: str | None = None
    quantity: int | None = None
    restock_days: int | None = None
    # (colour, sizes in stock) in catalogue order; for the size-only case the
    # colours that have the size, for the sold-out case the other colours.
    in_stock: tuple[tuple[str, tuple[str, ...]], ...] = ()
    colors: tuple[str, ...] = ()  # the product's colours (unknown colour case)
    sizes: tuple[str, ...] = ()  # the product's sizes (unknown size case)


def _in_stock_by_color(
    levels: Sequence[StockLike], colors: Sequence[str], size: str | None = None
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    for color in colors:
        sizes = tuple(
            lv.size
            for lv in levels
            if lv.color == color and lv.quantity > 0 and (size is None or lv.size == size)
        )
        out.append((color, sizes))
    return tuple(out)


def answer(
    *,
    known: bool,
    levels: Sequence[StockLike] = (),
    colors: Sequence[str] = (),
    sizes: Sequence[str] = (),
    color: str | None = None,
    size: str | None = None,
) -> StockAnswer:
    """Answers a stock question; `colors`/`sizes` are the product's own, in order."""
    if not known:
        return StockAnswer(rule="stock_ask_product")
    if color is not None and color not in colors:
        return StockAnswer(rule="stock_unknown_color", color=color, colors=tuple(colors))
    if size is not None and size not in sizes:
        return StockAnswer(rule="stock_unknown_size", size=size, sizes=tuple(sizes))

    if color is not None and size is not None:
        level = next((lv for lv in levels if lv.color == color and lv.size == size), None)
        quantity = level.quantity if level is not None else 0
        if quantity > 0:
            rule = "stock_low" if quantity <= LOW_STOCK else "stock_available"
            return StockAnswer(rule=rule, color=color, size=size, quantity=quantity)
        others = tuple((c, s) for c, s in _in_stock_by_color(levels, colors, size) if s and c != color)
        restock = level.restock_days if level is not None else None
        return StockAnswer(
            rule="stock_restock" if restock is not None else "stock_sold_out",
            color=color,
            size=size,
            quantity=0,
            restock_days=restock,
            in_stock=others,
        )
    if color is not None:
        mine = _in_stock_by_color(levels, [color])
        rule = "stock_color" if mine[0][1] else "stock_color_sold_out"
        return StockAnswer(rule=rule, color=color, in_stock=mine)
    if size is not None:
        having = tuple((c, s) for c, s in _in_stock_by_color(levels, colors, size) if s)
        return StockAnswer(rule="stock_size" if having else "stock_size_sold_out", size=size, in_stock=having)
    return StockAnswer(rule="stock_overview", in_stock=_in_stock_by_color(levels, colors))


@dataclass(frozen=True)
class SizeStock:
    """Stock of one recommended size: in the asked colour, or which colours have it.

    `others` are (colour, quantity) of the other colours that have this size in
    stock, in catalogue order; the size is always the one advised, never another.
    """

    rule: str
    size: str
    color: str | None = None
    quantity: int = 0
    restock_days: int | None = None
    others: tuple[tuple[str, int], ...] = ()


def stock_of_size(
    levels: Sequence[StockLike], colors: Sequence[str], size: str, color: str | None = None
) -> SizeStock | None:
    """Is the advised `size` in stock in `color` (or, with no colour, in which colours)?

    None when the colour is not one of the product's: there is nothing true to say
    about its stock, and the size advice stands on its own.
    """
    if color is not None and color not in colors:
        return None
    quantities = {lv.color: lv.quantity for lv in levels if lv.size == size}
    others = tuple((c, quantities[c]) for c in colors if c != color and quantities.get(c, 0) > 0)
    if color is None:
        return SizeStock(rule="size_stock_colors" if others else "size_stock_none", size=size, others=others)
    level = next((lv for lv in levels if lv.color == color and lv.size == size), None)
    quantity = level.quantity if level is not None else 0
    if quantity > 0:
        rule = "size_stock_low" if quantity <= LOW_STOCK else "size_stock_available"
        return SizeStock(rule=rule, size=size, color=color, quantity=quantity)
    restock = level.restock_days if level is not None else None
    return SizeStock(
        rule="size_stock_restock" if restock is not None else "size_stock_sold_out",
        size=size,
        color=color,
        restock_days=restock,
        others=others,
    )
