"""shop.store.catalogue: products, size charts, stock, on both backends."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from shop.store.catalogue import (
    get_product,
    list_products,
    product_for_item_id,
    size_chart,
    stock_levels,
)


def test_get_product(demo_session: Session) -> None:
    coat = get_product("0201", session=demo_session)
    assert coat is not None
    assert (coat.name, coat.category, coat.price) == ("红色羊毛大衣", "coat", Decimal("699.00"))
    assert coat.materials == {"wool": 80, "polyamide": 20}
    assert coat.colors == ["红色", "驼色"]
    assert coat.free_shipping and coat.no_reason_return
    assert get_product(" 0201 ", session=demo_session) is coat


def test_platform_item_id_names_its_product(demo_session: Session) -> None:
    coat = product_for_item_id("712345600201", session=demo_session)
    assert coat is not None and coat.code == "0201"
    assert [row.size for row in coat.size_chart]  # loaded like get_product's
    assert product_for_item_id(" 712345608951 ", session=demo_session).code == "8951"  # type: ignore[union-attr]
    for unknown in ("712345600000", "0201", "", "x" * 100):
        assert product_for_item_id(unknown, session=demo_session) is None


def test_leading_zeros_matter(demo_session: Session) -> None:
    assert get_product("201", session=demo_session) is None
    assert get_product("108", session=demo_session) is not None
    assert get_product("0108", session=demo_session) is None


def test_product_is_usable_after_the_session(demo_session: Session) -> None:
    dress = get_product("0315", session=demo_session)
    demo_session.close()
    assert dress is not None
    assert dress.pairs_with == ["0201"]
    assert [row.size for row in dress.size_chart] == ["S", "M", "L"]
    assert {(s.color, s.size) for s in dress.stock} >= {("黑色", "S"), ("咖色", "L")}


def test_list_products(demo_session: Session) -> None:
    codes = [p.code for p in list_products(session=demo_session)]
    assert codes == sorted(codes)
    assert set(codes) == {"0201", "108", "0164", "0254", "0363", "8951", "0255", "0137", "0315", "0420"}
    # The products a pre-sale returns answer names as excluded: by their own flag.
    assert [p.code for p in list_products(no_reason_return=False, session=demo_session)] == ["0420"]


def test_size_chart_in_chart_order(demo_session: Session) -> None:
    rows = size_chart("0201", session=demo_session)
    assert [(r.size, r.label) for r in rows] == [
        ("S", "155/80A"),
        ("M", "160/84A"),
        ("L", "165/88A"),
        ("XL", "170/92A"),
    ]
    medium = rows[1]
    assert medium.range_of("height") == (158, 165)
    assert medium.range_of("weight") == (51, 58)
    assert medium.range_of("waist") == (None, None)  # not in this chart: no constraint
    jeans = size_chart("0255", session=demo_session)
    assert [r.size for r in jeans] == ["26", "27", "28", "29", "30"]
    assert jeans[2].range_of("waist") == (70, 74)
    assert jeans[2].range_of("height") == (None, None)


def test_size_chart_of_unknown_product_is_empty(demo_session: Session) -> None:
    assert size_chart("9999", session=demo_session) == []


def test_stock_levels_in_catalogue_order(demo_session: Session) -> None:
    levels = stock_levels("0201", session=demo_session)
    assert [(s.color, s.size, s.quantity, s.restock_days) for s in levels] == [
        ("红色", "S", 5, None),
        ("红色", "M", 12, None),
        ("红色", "L", 0, 7),
        ("红色", "XL", 3, None),
        ("驼色", "S", 2, None),
        ("驼色", "M", 6, None),
        ("驼色", "L", 4, None),
        ("驼色", "XL", 0, 10),
    ]
    jeans = stock_levels("0255", session=demo_session)
    assert [s.size for s in jeans] == ["26", "27", "28", "29", "30"]
    assert stock_levels("nope", session=demo_session) == []
