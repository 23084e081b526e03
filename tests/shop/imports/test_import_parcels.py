"""Parcels shared or split between orders (issue 21): 合并发货 and 拆单发货 in a shop's exports."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from shop.imports import import_file
from shop.models import Order
from shop.policy.config import load_policy
from shop.rules.order_status import decide_status
from shop.rules.order_view import view_of
from shop.store.orders import order_for_buyer
from tests.shop.imports.conftest import SAMPLES, snapshot

MERGED = ("7300451200044", "7300451200055")  # qh_xiaolan's two orders, one parcel YD6600000000044
LATEST_SCAN = "【武汉市】已到达 武汉转运中心"


def _import(session: Session, *names: str) -> None:
    for name in names:
        report = import_file(SAMPLES / name, session=session)
        assert report.problems == [], report.problems


def _scans(session: Session, order_id: str) -> list[str]:
    session.expire_all()
    return [event.text for event in session.get(Order, order_id).shipment.events]


def test_every_order_of_a_merged_parcel_gets_its_scans(samples, session: Session) -> None:
    _import(session, "orders_merged_parcel.csv", "tracking_merged_parcel.csv")
    for order_id in MERGED:
        assert _scans(session, order_id)[-1] == LATEST_SCAN, order_id
        assert len(_scans(session, order_id)) == 3, order_id
    before = snapshot(session)
    _import(session, "orders_merged_parcel.csv", "tracking_merged_parcel.csv")
    assert snapshot(session) == before  # re-importing changes nothing


def test_an_order_joining_a_parcel_after_its_scans_gets_them_too(samples, session: Session, tmp_path) -> None:
    # The tracking export came in while only the first order of the parcel was known.
    lines = (SAMPLES / "orders_merged_parcel.csv").read_text(encoding="utf-8").splitlines()
    first = tmp_path / "orders_first.csv"
    first.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    import_file(first, session=session)
    _import(session, "tracking_merged_parcel.csv", "orders_merged_parcel.csv")
    assert [_scans(session, order_id) for order_id in MERGED] == [_scans(session, MERGED[0])] * 2
    before = snapshot(session)
    _import(session, "orders_merged_parcel.csv", "tracking_merged_parcel.csv")
    assert snapshot(session) == before


def test_the_buyer_asking_about_either_order_hears_the_parcels_latest_scan(samples, session: Session) -> None:
    _import(session, "orders_merged_parcel.csv", "tracking_merged_parcel.csv")
    now = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    for order_id in MERGED:
        order = order_for_buyer(order_id, "qh_xiaolan", session=session)
        decision = decide_status(view_of(order), text="到哪了", now=now, policy=load_policy())
        assert decision.rule == "order_shipped", (order_id, decision.rule)
        assert decision.facts["latest_event"] == LATEST_SCAN
        assert decision.facts["tracking_no"] == "YD6600000000044"


SPLIT_ORDERS, SPLIT_TRACKING = "orders_split_parcel.csv", "tracking_split_parcel.csv"
IN_ONE_CELL, ON_ROWS, PARTLY_LISTED = "7300451200066", "7300451200077", "7300451200088"


def _parcels(session: Session, order_id: str) -> list[tuple[str, list[str]]]:
    """(waybill, its scans) of each parcel of an order, oldest shipped first."""
    session.expire_all()
    order = session.get(Order, order_id)
    return [(s.tracking_no, [e.text for e in s.events]) for s in order.shipments]


def test_an_order_shipped_in_several_parcels_imports_each_with_its_own_scans(
    samples, session: Session
) -> None:
    _import(session, SPLIT_ORDERS, SPLIT_TRACKING)
    assert _parcels(session, IN_ONE_CELL) == [
        ("YD6600000000066", ["【嘉兴市】已揽收", "【杭州市】已到达 杭州转运中心"]),
        ("YD6600000000067", []),  # not scanned yet
    ]
    assert _parcels(session, ON_ROWS) == [
        ("YD6600000000077", ["【嘉兴市】已揽收", "【上海市】已签收，签收人：本人"]),
        ("YD6600000000078", ["【嘉兴市】已揽收", "【苏州市】已到达 苏州转运中心"]),
    ]
    order = session.get(Order, ON_ROWS)
    first, second = order.shipments
    # Each parcel keeps the times of the row that names it.
    assert first.signed_at == datetime(2026, 12, 3, 10, 20, tzinfo=UTC) and second.signed_at is None
    assert second.shipped_at == datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    # A line not shipped yet (blank 运单号) is in no parcel; the order has the one its other row gives.
    assert [s for s, _ in _parcels(session, PARTLY_LISTED)] == ["YD6600000000088"]
    assert len(session.get(Order, PARTLY_LISTED).items) == 2

    before = snapshot(session)
    _import(session, SPLIT_ORDERS, SPLIT_TRACKING)
    assert snapshot(session) == before  # re-importing changes nothing


def _export_with(tmp_path, text: str):
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_newer_export_adding_the_second_waybill_adds_a_parcel_once(
    samples, session: Session, tmp_path
) -> None:
    lines = (SAMPLES / SPLIT_ORDERS).read_text(encoding="utf-8").splitlines(keepends=True)
    # The first export: only the first parcel of each order had left.
    first = lines[0] + lines[1].replace("，YD6600000000067", "") + lines[2]
    assert import_file(_export_with(tmp_path, first), session=session).problems == []
    # The tracking export names the second parcels too: those rows wait for their orders.
    import_file(SAMPLES / SPLIT_TRACKING, session=session)
    assert [s for s, _ in _parcels(session, IN_ONE_CELL)] == ["YD6600000000066"]
    assert [s for s, _ in _parcels(session, ON_ROWS)] == ["YD6600000000077"]

    report = import_file(SAMPLES / SPLIT_ORDERS, session=session)
    assert report.problems == []
    _import(session, SPLIT_TRACKING, SPLIT_ORDERS)
    assert [s for s, _ in _parcels(session, IN_ONE_CELL)] == ["YD6600000000066", "YD6600000000067"]
    assert [s for s, scans in _parcels(session, ON_ROWS)] == ["YD6600000000077", "YD6600000000078"]
    assert _parcels(session, ON_ROWS)[0][1] == ["【嘉兴市】已揽收", "【上海市】已签收，签收人：本人"]


def test_a_waybill_missing_from_a_newer_export_keeps_its_parcel_and_scans(
    samples, session: Session, tmp_path
) -> None:
    _import(session, SPLIT_ORDERS, SPLIT_TRACKING)
    before = _parcels(session, ON_ROWS)
    lines = (SAMPLES / SPLIT_ORDERS).read_text(encoding="utf-8").splitlines(keepends=True)
    # A newer export lists the order's second parcel only (a seller tool showing the latest waybill).
    assert import_file(_export_with(tmp_path, lines[0] + lines[3]), session=session).problems == []
    assert _parcels(session, ON_ROWS) == before


def test_a_corrected_waybill_of_a_one_parcel_order_replaces_it(samples, session: Session, tmp_path) -> None:
    _import(session, "orders_merged_parcel.csv")
    text = (SAMPLES / "orders_merged_parcel.csv").read_text(encoding="utf-8")
    fixed = text.replace("YD6600000000044,青禾 莫代尔", "YD6600000000099,青禾 莫代尔")
    assert import_file(_export_with(tmp_path, fixed), session=session).problems == []
    assert [s for s, _ in _parcels(session, MERGED[0])] == ["YD6600000000099"]
    assert [s for s, _ in _parcels(session, MERGED[1])] == ["YD6600000000044"]


def test_a_merged_parcel_of_a_split_order_gives_both_orders_its_scans(
    samples, session: Session, tmp_path
) -> None:
    # 7300451200055 shares its parcel with 7300451200044 and has a second one of its own.
    text = (SAMPLES / "orders_merged_parcel.csv").read_text(encoding="utf-8")
    text = text.replace(",YD6600000000044,青禾 高腰", ',"YD6600000000044,YD6600000000045",青禾 高腰')
    assert import_file(_export_with(tmp_path, text), session=session).problems == []
    _import(session, "tracking_merged_parcel.csv")
    assert _parcels(session, MERGED[0])[0][1][-1] == LATEST_SCAN
    assert [(s, scans[-1:]) for s, scans in _parcels(session, MERGED[1])] == [
        ("YD6600000000044", [LATEST_SCAN]),
        ("YD6600000000045", []),
    ]


def test_a_waybill_too_long_in_a_list_is_still_refused(samples, session: Session, tmp_path) -> None:
    text = (SAMPLES / SPLIT_ORDERS).read_text(encoding="utf-8")
    report = import_file(
        _export_with(tmp_path, text.replace("YD6600000000067", "YD" + "6" * 45)), session=session
    )
    assert [(p.row, p.column) for p in report.problems][:1] == [(2, "运单号")]
    assert session.get(Order, IN_ONE_CELL) is None


def test_one_waybill_in_a_cell_is_still_read_as_it_is(samples, session: Session, tmp_path) -> None:
    text = (SAMPLES / "orders_merged_parcel.csv").read_text(encoding="utf-8")
    spaced = tmp_path / "orders.csv"
    spaced.write_text(text.replace(",YD6600000000044,", ", YD6600000000044 ,"), encoding="utf-8")
    report = import_file(spaced, session=session)
    assert report.problems == []
    assert session.get(Order, MERGED[0]).shipment.tracking_no == "YD6600000000044"
