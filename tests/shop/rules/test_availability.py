"""Table tests of the stock answers (shop.rules.availability) on 0201's demo stock."""

from __future__ import annotations

import pytest

from shop.rules.availability import Level, answer

# 0201 in the demo shop: 红色 L sold out (restock in 7 days), 驼色 XL sold out (10 days).
LEVELS = [
    Level("红色", "S", 5),
    Level("红色", "M", 12),
    Level("红色", "L", 0, 7),
    Level("红色", "XL", 3),
    Level("驼色", "S", 2),
    Level("驼色", "M", 6),
    Level("驼色", "L", 4),
    Level("驼色", "XL", 0, 10),
]
COLORS = ["红色", "驼色"]
SIZES = ["S", "M", "L", "XL"]

CASES = [
    ("plenty", "红色", "M", "stock_available", 12, None),
    ("few left", "红色", "XL", "stock_low", 3, None),
    ("restock", "红色", "L", "stock_restock", 0, 7),
    ("colour only", "驼色", None, "stock_color", None, None),
    ("size only", None, "L", "stock_size", None, None),
    ("neither", None, None, "stock_overview", None, None),
    ("unknown colour", "蓝色", "M", "stock_unknown_color", None, None),
    ("unknown size", "红色", "XXL", "stock_unknown_size", None, None),
]


@pytest.mark.parametrize(
    ("color", "size", "rule", "quantity", "restock"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_stock_table(color, size, rule, quantity, restock) -> None:
    result = answer(known=True, levels=LEVELS, colors=COLORS, sizes=SIZES, color=color, size=size)
    assert (result.rule, result.quantity, result.restock_days) == (rule, quantity, restock)


def test_unknown_product_asks_which() -> None:
    assert answer(known=False).rule == "stock_ask_product"


def test_restock_offers_other_colours_with_that_size() -> None:
    result = answer(known=True, levels=LEVELS, colors=COLORS, sizes=SIZES, color="红色", size="L")
    assert result.in_stock == (("驼色", ("L",)),)


def test_sold_out_without_restock_date() -> None:
    levels = [Level("黑色", "M", 0), Level("白色", "M", 0)]
    result = answer(known=True, levels=levels, colors=["黑色", "白色"], sizes=["M"], color="黑色", size="M")
    assert (result.rule, result.in_stock) == ("stock_sold_out", ())


def test_overview_and_size_lists() -> None:
    overview = answer(known=True, levels=LEVELS, colors=COLORS, sizes=SIZES)
    assert overview.in_stock == (("红色", ("S", "M", "XL")), ("驼色", ("S", "M", "L")))
    size = answer(known=True, levels=LEVELS, colors=COLORS, sizes=SIZES, size="XL")
    assert size.in_stock == (("红色", ("XL",)),)


def test_everything_sold_out_in_a_colour_or_size() -> None:
    levels = [Level("米白", "L", 0, 14), Level("黑色", "L", 0)]
    colour = answer(known=True, levels=levels, colors=["黑色", "米白"], sizes=["L"], color="米白")
    assert colour.rule == "stock_color_sold_out"
    size = answer(known=True, levels=levels, colors=["黑色", "米白"], sizes=["L"], size="L")
    assert size.rule == "stock_size_sold_out"
