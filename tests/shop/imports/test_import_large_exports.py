"""Exports of more orders than one chunk of keys: a newer one changes exactly what changed."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shop.imports import import_records
from shop.imports.bulk import CHUNK
from shop.models import Buyer, Order, OrderItem, ReturnRequest, Shipment
from tests.shop.imports.conftest import import_samples, snapshot

ORDERS = CHUNK * 2 + 100  # three chunks


def _order_id(n: int) -> str:
    return f"{7300460000000 + n}"


def _lines(n: int, *, delivered: bool = False, lines: int | None = None) -> list[dict]:
    """Export rows of order n: two lines for even n; shipped unless n % 7 == 0."""
    shipped = n % 7 != 0
    order = {
        "订单编号": _order_id(n),
        "买家会员名": f"bulk_{n % 97}",
        "订单状态": "交易成功" if delivered else ("卖家已发货" if shipped else "买家已付款"),
        "付款时间": f"2026-11-{1 + n % 28:02d} 10:00:00",
        "发货时间": "2026-11-29 10:00:00" if shipped else "",
        "签收时间": "2026-12-01 09:00:00" if delivered else "",
        "物流公司": "圆通速递" if shipped else "",
        "运单号": f"YT{_order_id(n)}" if shipped else "",
        "收货人手机": f"139****{n % 10000:04d}",
    }
    skus = [("3101", "颜色分类:藏青;尺码:L", "899.00"), ("3103", "颜色分类:白色;尺码:M", "59.00"),
            ("3102", "颜色分类:浅蓝;尺码:27", "229.00")]  # fmt: skip
    count = lines if lines is not None else (2 if n % 2 == 0 else 1)
    return [
        {**order, "商家编码": code, "颜色分类/尺码": sku, "价格": price} for code, sku, price in skus[:count]
    ]


def _export(**changes: dict) -> list[dict]:
    """The whole export; ``changes`` maps an order number (as "n123") to _lines options."""
    return [row for n in range(ORDERS) for row in _lines(n, **changes.get(f"n{n}", {}))]


def _count(session: Session, model) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


def test_newer_export_of_many_orders_changes_exactly_what_changed(samples, session: Session) -> None:
    items, parcels = _count(session, OrderItem), _count(session, Shipment)  # the samples'
    first = import_records("orders", _export(), session=session)
    assert (first.created, first.problems) == (ORDERS, [])
    assert _count(session, OrderItem) == items + ORDERS + ORDERS // 2
    # A buyer asked to return the second line of order 1002; the newer export no longer lists it.
    kept = session.scalars(select(OrderItem).where(OrderItem.order_id == _order_id(1002))).all()[1]
    session.add(ReturnRequest(order_item=kept, kind="return"))
    session.commit()
    newer = _export(
        n10={"delivered": True},  # first chunk
        n701={"delivered": True},  # second chunk
        n1004={"lines": 1},  # third chunk: a line is gone
        n1002={"lines": 1},  # ... gone, but a return names it
        n1001={"lines": 3},  # a line is added
    )
    for row in newer:  # order 14 (14 % 7 == 0: not shipped in the first export) now ships
        if row["订单编号"] == _order_id(14):
            row.update({"订单状态": "卖家已发货", "发货时间": "2026-11-30 08:00:00", "物流公司": "圆通速递",
                        "运单号": "YT14NEW"})  # fmt: skip
    report = import_records("orders", newer, session=session)
    assert (report.created, report.updated, report.unchanged, report.problems) == (0, 5, ORDERS - 5, [])
    changes = {change.split(":")[0]: change for change in report.changes}
    assert "shipped → delivered" in changes[f"~ 订单 {_order_id(701)}"]
    assert "- 3103 白色 M" in changes[f"~ 订单 {_order_id(1004)}"]
    assert "+ 3102 浅蓝 27" in changes[f"~ 订单 {_order_id(1001)}"]
    assert "运单号 ∅ → YT14NEW" in changes[f"~ 订单 {_order_id(14)}"]
    assert f"~ 订单 {_order_id(1002)}" not in changes  # its returned item stays
    assert session.get(Order, _order_id(10)).shipment.signed_at is not None
    assert [i.product_code for i in session.get(Order, _order_id(1004)).items] == ["3101"]
    assert [i.product_code for i in session.get(Order, _order_id(1002)).items] == ["3101", "3103"]
    assert [i.product_code for i in session.get(Order, _order_id(1001)).items] == ["3101", "3103", "3102"]
    assert session.get(Order, _order_id(14)).shipment.tracking_no == "YT14NEW"
    assert _count(session, OrderItem) == items + ORDERS + ORDERS // 2 + 2 - 1
    assert _count(session, Shipment) == parcels + sum(1 for n in range(ORDERS) if n % 7) + 1
    assert _count(session, Buyer) == 97 + 2

    before = snapshot(session)
    again = import_records("orders", newer, session=session)
    assert (again.created, again.updated, again.unchanged) == (0, 0, ORDERS)
    assert snapshot(session) == before


def test_objects_loaded_before_an_import_show_what_it_changed(engine: Engine) -> None:
    """A caller that keeps its objects across commits (the demo loader does) reads the new rows."""
    with Session(engine, expire_on_commit=False) as session:
        import_samples(session)
        order = session.get(Order, "7300451200011")
        assert order.status == "shipped" and order.shipment.signed_at is None and len(order.items) == 2
        assert session.get(Buyer, order.buyer_id).name == "小梅"
        rows = [{"订单编号": "7300451200011", "买家会员名": "qh_xiaomei", "订单状态": "交易成功",
                 "签收时间": "2026-12-05 11:00:00", "运单号": "YT8800000000011", "商家编码": "3101",
                 "颜色分类/尺码": "藏青;M"}]  # fmt: skip
        import_records("orders", rows, session=session)
        import_records("buyers", [{"买家会员名": "qh_xiaomei", "称呼": "梅梅"}], session=session)
        assert order.status == "delivered" and order.shipment.signed_at is not None
        assert [i.product_code for i in order.items] == ["3101"]
        assert order.buyer.name == "梅梅"


def test_a_buyers_file_naming_a_new_buyer_twice_creates_one(samples, session: Session) -> None:
    rows = [{"买家会员名": "qh_new", "称呼": "新客"}, {"买家会员名": "qh_new", "手机": "137****0001"},
            {"买家会员名": "qh_dawei", "称呼": "伟哥"}, {"买家会员名": "qh_dawei", "称呼": "伟哥"}]  # fmt: skip
    report = import_records("buyers", rows, session=session)
    assert (report.created, report.updated, report.unchanged) == (1, 2, 1)
    buyers = {b.account: (b.name, b.phone_last4) for b in session.scalars(select(Buyer))}
    assert buyers["qh_new"] == ("新客", "0001") and buyers["qh_dawei"] == ("伟哥", "1357")


def test_dry_run_and_strict_order_imports_write_nothing(samples, session: Session) -> None:
    import_records("orders", _export(), session=session)
    before = snapshot(session)
    newer = _export(n10={"delivered": True}, n1004={"lines": 1})
    dry = import_records("orders", newer, session=session, dry_run=True)
    assert dry.dry_run and not dry.applied and (dry.created, dry.updated) == (0, 2)
    assert "shipped → delivered" in dry.changes[0] and "- 3103 白色 M" in dry.changes[1]
    assert snapshot(session) == before
    last = newer[-1]
    newer += [
        {**last, "订单编号": _order_id(ORDERS), "颜色分类/尺码": "无此款"},  # a bad line
        {**last, "订单编号": _order_id(ORDERS + 1)},  # a good new order
    ]
    strict = import_records("orders", newer, session=session, strict=True)
    assert not strict.applied and [p.column for p in strict.problems] == ["颜色分类/尺码"]
    assert (strict.created, strict.updated) == (1, 2)  # what it would have done
    assert snapshot(session) == before
