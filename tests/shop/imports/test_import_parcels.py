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


SPLIT = SAMPLES / "unsupported" / "orders_split_parcel.csv"


def test_an_order_shipped_in_several_parcels_is_refused_clearly_not_stored_mangled(
    samples, session: Session
) -> None:
    # One shipment per order for now: a second waybill would be lost or glued to the first.
    report = import_file(SPLIT, session=session)
    problems = {(p.row, p.column): (p.zh, p.en) for p in report.problems}
    zh, en = problems[(2, "运单号")]  # two waybills in one cell
    assert "YD6600000000066，YD6600000000067" in zh and "拆单" in zh and "several" in en
    zh, en = problems[(4, "运单号")]  # the same order repeated with another waybill
    assert "7300451200077" in zh and "YD6600000000078" in zh and "several" in en
    session.expire_all()
    assert session.get(Order, "7300451200066") is None
    assert session.get(Order, "7300451200077") is None
    # An order whose parcel is on its second row only keeps that parcel.
    partly_listed = session.get(Order, "7300451200088")
    assert partly_listed.shipment.tracking_no == "YD6600000000088"
    assert len(partly_listed.items) == 2


def test_one_waybill_in_a_cell_is_still_read_as_it_is(samples, session: Session, tmp_path) -> None:
    text = (SAMPLES / "orders_merged_parcel.csv").read_text(encoding="utf-8")
    spaced = tmp_path / "orders.csv"
    spaced.write_text(text.replace(",YD6600000000044,", ", YD6600000000044 ,"), encoding="utf-8")
    report = import_file(spaced, session=session)
    assert report.problems == []
    assert session.get(Order, MERGED[0]).shipment.tracking_no == "YD6600000000044"
