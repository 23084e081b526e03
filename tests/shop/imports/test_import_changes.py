"""A newer export updates what changed without duplicates; bad rows, --strict and --dry-run."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.imports import import_file, import_records
from shop.models import Order, OrderItem, Product, StockLevel, TrackingEvent
from tests.shop.imports.conftest import SAMPLES, snapshot, stock_of


def _newer(tmp_path: Path, kind: str, edit) -> Path:  # noqa: ANN001 - edit: str -> str
    path = tmp_path / f"{kind}.csv"
    path.write_text(edit((SAMPLES / f"{kind}.csv").read_text(encoding="utf-8")), encoding="utf-8")
    return path


def _count(session: Session, model) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


def test_newer_order_export_updates_status_and_parcel(samples, session: Session, tmp_path: Path) -> None:
    delivered = _newer(
        tmp_path,
        "orders",
        lambda text: text.replace(
            "卖家已发货,2026-12-02 20:11:05,2026-12-02 20:12:40,2026-12-03 15:30:00,,",
            "交易成功,2026-12-02 20:11:05,2026-12-02 20:12:40,2026-12-03 15:30:00,2026-12-05 11:00:00,",
        ),
    )
    items_before = _count(session, OrderItem)
    report = import_file(delivered, session=session)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    [change] = report.changes
    assert "7300451200011" in change and "shipped → delivered" in change
    order = session.get(Order, "7300451200011")
    assert order.status == "delivered" and order.shipment.signed_at is not None
    assert _count(session, OrderItem) == items_before


def test_newer_tracking_export_adds_only_the_new_event(samples, session: Session, tmp_path: Path) -> None:
    newer = _newer(
        tmp_path, "tracking", lambda t: t + "YT8800000000011,圆通速递,2026-12-05 08:00:00,【上海市】派件中\n"
    )
    events_before = _count(session, TrackingEvent)
    report = import_file(newer, session=session)
    assert (report.created, report.unchanged) == (1, 5)
    assert _count(session, TrackingEvent) == events_before + 1
    assert session.get(Order, "7300451200011").shipment.last_event.text == "【上海市】派件中"


def test_newer_stock_export_updates_quantities(samples, session: Session, tmp_path: Path) -> None:
    newer = _newer(tmp_path, "stock", lambda t: t.replace("3101,燕麦色,M,0,2026-12-20", "3101,燕麦色,M,6,"))
    report = import_file(newer, session=session)
    assert (report.updated, report.unchanged) == (1, 13)
    level = stock_of("3101", "燕麦色", "M", session=session)
    assert (level.quantity, level.restock_on) == (6, None)
    assert _count(session, StockLevel) == 14


def test_bad_rows_are_reported_and_the_rest_imports(samples, session: Session, tmp_path: Path) -> None:
    bad = _newer(
        tmp_path,
        "stock",
        lambda t: (
            t.replace("3102,浅蓝,27,9,", "3102,浅蓝,27,九,")
            .replace("3103,黑色,L,0,", "3199,黑色,L,0,")
            .replace("3101,藏青,M,7,", "3101,藏青,M,8,")
            .replace("3101,燕麦色,L,2,", "3101,燕麦色,L,2,12月20日")
        ),
    )
    report = import_file(bad, session=session)
    assert report.applied and report.updated == 1  # 藏青 M: 7 -> 8 went in
    assert [(p.row, p.column) for p in sorted(report.problems, key=lambda p: p.row)] == [
        (4, "预计到货日期"),
        (9, "库存"),
        (15, "商家编码"),
    ]
    by_row = {p.row: p for p in report.problems}
    assert "应为数字" in by_row[9].zh and "九" in by_row[9].zh and "must be a number" in by_row[9].en
    assert "3199" in by_row[15].zh and "import the products first" in by_row[15].en
    assert "第9行「库存」" in by_row[9].line()
    assert stock_of("3101", "藏青", "M", session=session).quantity == 8


def test_strict_imports_nothing_of_a_file_with_a_bad_row(samples, session: Session, tmp_path: Path) -> None:
    bad = _newer(
        tmp_path,
        "stock",
        lambda t: t.replace("3101,藏青,M,7,", "3101,藏青,M,8,").replace(
            "3102,浅蓝,27,9,", "3102,浅蓝,27,-1,"
        ),
    )
    before = snapshot(session)
    report = import_file(bad, session=session, strict=True)
    assert not report.applied and [p.row for p in report.problems] == [9]
    assert snapshot(session) == before


def test_dry_run_shows_what_would_change_and_changes_nothing(
    samples, session: Session, tmp_path: Path
) -> None:
    newer = _newer(tmp_path, "products", lambda t: t.replace("229.00", "199.00"))
    before = snapshot(session)
    report = import_file(newer, session=session, dry_run=True)
    assert report.dry_run and not report.applied and report.updated == 1
    assert report.changes == ["~ 商品 3102: price 229.00 → 199.00"]
    assert "would import" in report.summary()
    assert snapshot(session) == before


def test_an_order_with_a_bad_row_is_left_out_whole(session: Session, samples) -> None:
    rows = [
        {"订单编号": "7300451200044", "买家会员名": "qh_dawei", "订单状态": "买家已付款", "商家编码": "3101",
         "颜色分类/尺码": "颜色分类:藏青;尺码:L", "价格": "899"},
        {"订单编号": "7300451200044", "买家会员名": "qh_dawei", "订单状态": "买家已付款", "商家编码": "3103",
         "颜色分类/尺码": "白色", "价格": "59"},
        {"订单编号": "7300451200055", "买家会员名": "qh_dawei", "订单状态": "等待买家付款", "商家编码": "3102",
         "颜色分类/尺码": "颜色分类:浅蓝;尺码:28"},
    ]  # fmt: skip
    report = import_records("orders", rows, session=session)
    assert [(p.row, p.column) for p in report.problems] == [(3, "颜色分类/尺码"), (2, "订单编号")]
    assert "整单未导入" in report.problems[1].zh
    assert session.get(Order, "7300451200044") is None
    added = session.get(Order, "7300451200055")
    assert added.status == "awaiting_payment" and added.items[0].price == session.get(Product, "3102").price


def test_unknown_status_and_missing_column_are_explained(session: Session, samples) -> None:
    report = import_records(
        "orders",
        [
            {
                "订单编号": "7300451200066",
                "买家会员名": "qh_dawei",
                "订单状态": "已穿越",
                "商家编码": "3101",
                "颜色分类/尺码": "藏青;M",
            }
        ],
        session=session,
    )
    assert "无法识别的订单状态" in report.problems[0].zh and "已穿越" in report.problems[0].zh
    report = import_records("stock", [{"商家编码": "3101", "颜色": "藏青", "尺码": "M"}], session=session)
    assert [(p.row, p.column) for p in report.problems] == [(1, "库存")]
    assert "没有「库存」这一列" in report.problems[0].zh
