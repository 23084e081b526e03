"""Catalogue exports of more products than one chunk of keys: a newer one changes exactly what changed.

And objects a caller loaded before an import read what it changed (its rows are written past the ORM).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shop.imports import import_records
from shop.imports.bulk import CHUNK
from shop.models import PlatformItem, Product, SizeChartRow, StockLevel
from shop.store.catalogue import product_for_item_id
from tests.shop.imports.conftest import import_samples, snapshot, stock_of

PRODUCTS = CHUNK * 2 + 100  # three chunks
COLOURS = ("黑色", "白色")
SIZES = ("S", "M", "L")
STOCK_ROWS = PRODUCTS * len(COLOURS) * len(SIZES)


def _code(n: int) -> str:
    return f"C{n:04d}"


def _products(count: int = PRODUCTS) -> list[dict]:
    return [
        {"商家编码": _code(n), "宝贝标题": f"大批量测试款{n}", "宝贝ID": f"{880000000000 + n}",
         "价格": f"{100 + n % 50}.00", "类目": "连衣裙", "颜色": "黑色,白色", "材质": "棉95% 氨纶5%",
         "洗涤说明": "冷水手洗", "包邮": "是" if n % 2 else "否", "七天无理由": "是"}
        for n in range(count)
    ]  # fmt: skip


def _size_charts(count: int = PRODUCTS) -> list[dict]:
    return [
        {"商家编码": _code(n), "尺码": size, "号型": f"{160 + 5 * i}/{84 + 4 * i}A",
         "身高(cm)": f"{155 + 5 * i}-{162 + 5 * i}", "胸围(cm)": f"{80 + 4 * i}-{86 + 4 * i}"}
        for n in range(count)
        for i, size in enumerate(SIZES)
    ]  # fmt: skip


def _stock(count: int = PRODUCTS) -> list[dict]:
    """Every SKU of ``count`` products; the quantity of row i is i % 9 (0: sold out)."""
    rows = [
        {"商家编码": _code(n), "颜色": colour, "尺码": size, "库存": "", "预计到货日期": ""}
        for n in range(count)
        for colour in COLOURS
        for size in SIZES
    ]
    for i, row in enumerate(rows):
        row["库存"] = str(i % 9)
    return rows


def _count(session: Session, model) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


def _import_catalogue(session: Session) -> None:
    for kind, rows in (("products", _products()), ("size_charts", _size_charts()), ("stock", _stock())):
        report = import_records(kind, rows, session=session)
        assert (report.problems, report.applied) == ([], True), kind


def test_a_large_catalogue_lands_whole(session: Session) -> None:
    _import_catalogue(session)
    assert (_count(session, Product), _count(session, PlatformItem)) == (PRODUCTS, PRODUCTS)
    assert (_count(session, SizeChartRow), _count(session, StockLevel)) == (PRODUCTS * 3, STOCK_ROWS)
    last = product_for_item_id(f"{880000000000 + PRODUCTS - 1}", session=session)
    assert last.code == _code(PRODUCTS - 1) and last.category == "dress"
    assert (last.materials, last.care, last.free_shipping, last.no_reason_return) == (
        {"cotton": 95, "spandex": 5},
        "冷水手洗",
        True,
        True,
    )
    assert [(r.size, r.label, r.height_min, r.bust_max) for r in last.size_chart] == [
        ("S", "160/84A", 155, 86),
        ("M", "165/88A", 160, 90),
        ("L", "170/92A", 165, 94),
    ]
    assert stock_of(_code(PRODUCTS - 1), "白色", "L", session=session).quantity == (STOCK_ROWS - 1) % 9


def test_a_newer_stock_export_changes_exactly_the_changed_rows(session: Session) -> None:
    _import_catalogue(session)
    before = snapshot(session)
    newer = _stock()
    changed = list(range(0, STOCK_ROWS, 10))  # a tenth of the rows, in every chunk
    for i in changed:
        newer[i]["库存"] = str(i % 9 + 1)
    newer[1]["预计到货日期"] = "2026-12-20"  # only a restock date
    changed.append(1)
    newer.append({"商家编码": _code(7), "颜色": "红色", "尺码": "M", "库存": "4"})  # a new colour
    report = import_records("stock", newer, session=session)
    assert (report.created, report.updated, report.problems) == (1, len(changed), [])
    assert report.unchanged == STOCK_ROWS - len(changed)
    after = snapshot(session)
    old_rows = {row[0]: row for row in before["stock_levels"]}
    differing = [row for row in after["stock_levels"] if old_rows.get(row[0]) != row]
    assert len(differing) == len(changed) + 1
    assert stock_of(_code(0), "黑色", "S", session=session).quantity == 1
    assert stock_of(_code(0), "黑色", "M", session=session).restock_on == date(2026, 12, 20)
    assert session.get(Product, _code(7)).colors == ["黑色", "白色", "红色"]
    # Only the product that got a colour changed besides the stock.
    assert [t for t in after if after[t] != before[t]] == ["products", "stock_levels"]
    assert sum(a != b for a, b in zip(after["products"], before["products"], strict=True)) == 1

    again = import_records("stock", newer, session=session)
    assert (again.created, again.updated, again.unchanged) == (0, 0, STOCK_ROWS + 1)
    assert snapshot(session) == after


def test_a_newer_product_export_updates_prices_listings_and_charts(session: Session) -> None:
    _import_catalogue(session)
    products = _products(PRODUCTS + 3)  # three new products
    products[600]["价格"] = "1.00"
    products[1050]["宝贝ID"] += f",{880000000000 + 3}"  # a listing of product 3 now sells product 1050
    report = import_records("products", products, session=session)
    assert (report.created, report.updated, report.unchanged) == (3, 2, PRODUCTS - 2)
    assert f"~ 商品 {_code(1050)}: 宝贝ID +880000000003" in report.changes
    assert session.get(Product, _code(600)).price == Decimal("1.00")
    assert product_for_item_id("880000000003", session=session).code == _code(1050)
    assert session.get(Product, _code(3)).platform_items == []
    charts = _size_charts(PRODUCTS + 3)
    charts[3 * 700 + 1]["号型"] = "165/90A"
    report = import_records("size_charts", charts, session=session)
    assert (report.created, report.updated, report.unchanged) == (3, 1, PRODUCTS - 1)
    assert [r.label for r in session.get(Product, _code(700)).size_chart] == ["160/84A", "165/90A", "170/92A"]
    assert _count(session, SizeChartRow) == (PRODUCTS + 3) * 3


def test_a_bad_row_in_a_large_file_is_reported_and_the_rest_imports(session: Session) -> None:
    _import_catalogue(session)
    newer = _stock()
    newer[3000]["库存"] = "九"  # row 3002 on screen: the header is row 1
    newer[5000]["商家编码"] = "C9999"  # no such product
    for row in newer:
        row["库存"] = row["库存"] if row["库存"] == "九" else str(int(row["库存"]) + 1)
    before = snapshot(session)
    strict = import_records("stock", newer, session=session, strict=True)
    assert not strict.applied and [p.row for p in strict.problems] == [3002, 5002]
    assert snapshot(session) == before
    report = import_records("stock", newer, session=session)
    assert report.applied and [(p.row, p.column) for p in report.problems] == [
        (3002, "库存"),
        (5002, "商家编码"),
    ]
    assert "九" in report.problems[0].zh and "C9999" in report.problems[1].zh
    assert (report.created, report.updated) == (0, STOCK_ROWS - 2)
    quantities = session.scalars(select(StockLevel.quantity).order_by(StockLevel.id)).all()
    expected = [i % 9 + 1 for i in range(STOCK_ROWS)]
    expected[3000], expected[5000] = 3000 % 9, 5000 % 9  # the two bad rows keep what they had
    assert quantities == expected


def test_objects_loaded_before_a_catalogue_import_show_what_it_changed(engine: Engine) -> None:
    """A caller that keeps its objects across commits (the demo loader does) reads the new rows."""
    with Session(engine, expire_on_commit=False) as session:
        import_samples(session)
        coat = session.get(Product, "3101")
        assert (coat.price, len(coat.stock), len(coat.size_chart), len(coat.platform_items)) == (
            Decimal("899.00"), 6, 3, 1
        )  # fmt: skip
        products = [{"商家编码": "3101", "宝贝标题": coat.name, "价格": "799.00", "宝贝ID": "728800009999"}]
        import_records("products", products, session=session)
        import_records(
            "stock", [{"商家编码": "3101", "颜色": "驼色", "尺码": "M", "库存": "2"}], session=session
        )
        import_records("size_charts", [{"商家编码": "3101", "尺码": "均码"}], session=session)
        assert coat.price == Decimal("799.00") and coat.colors == ["燕麦色", "藏青", "驼色"]
        assert [i.item_id for i in coat.platform_items] == ["728800003101", "728800009999"]
        assert [(s.color, s.quantity) for s in coat.stock][-1] == ("驼色", 2)
        assert [r.size for r in coat.size_chart] == ["均码"]
