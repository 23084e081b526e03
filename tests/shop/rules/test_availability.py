"""Table tests of the stock answers (shop.rules.availability) on 0201's demo stock."""

from __future__ import annotations

import pytest

from shop.rules.availability import Level, answer, stock_of_size

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


# The stock of an advised size (size advice): only that size, in the asked colour or any.
SIZE_CASES = [
    ("in stock", "红色", "M", "size_stock_available", 12, None, {"驼色": 6}),
    ("few left", "红色", "XL", "size_stock_low", 3, None, {}),
    ("out, restock known, other colour has it", "红色", "L", "size_stock_restock", 0, 7, {"驼色": 4}),
    ("out, restock known, no other colour", "驼色", "XL", "size_stock_restock", 0, 10, {"红色": 3}),
    ("no colour asked: colours having it", None, "L", "size_stock_colors", 0, None, {"驼色": 4}),
]


@pytest.mark.parametrize(("case", "color", "size", "rule", "quantity", "restock", "others"), SIZE_CASES)
def test_stock_of_size(case, color, size, rule, quantity, restock, others) -> None:
    stock = stock_of_size(LEVELS, COLORS, size, color)
    assert stock is not None, case
    assert (stock.rule, stock.quantity, stock.restock_days) == (rule, quantity, restock), case
    if rule not in {"size_stock_available", "size_stock_low"}:
        assert dict(stock.others) == others, case


def test_stock_of_size_sold_out_everywhere_and_unknown_restock() -> None:
    levels = [Level("红色", "L", 0), Level("驼色", "L", 0)]
    assert stock_of_size(levels, COLORS, "L").rule == "size_stock_none"
    out = stock_of_size(levels, COLORS, "L", "红色")
    assert (out.rule, out.restock_days, out.others) == ("size_stock_sold_out", None, ())


def test_stock_of_size_never_offers_another_size() -> None:
    # 红色 L is out and 红色 M/XL are in stock: only L in another colour is offered.
    stock = stock_of_size(LEVELS, COLORS, "L", "红色")
    assert stock.size == "L" and dict(stock.others) == {"驼色": 4}


def test_stock_of_size_for_a_colour_the_product_does_not_have_says_nothing() -> None:
    assert stock_of_size(LEVELS, COLORS, "L", "蓝色") is None
