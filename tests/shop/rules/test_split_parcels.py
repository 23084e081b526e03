"""An order shipped in several parcels (拆单/分批发货): which parcel a question is about and what she hears."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.rules.address import decide_address_change
from shop.rules.order_choice import CHOSEN, NOT_FOUND, SEVERAL, OrderHints, choose_order, choose_parcel
from shop.rules.order_status import decide_status
from shop.rules.order_view import EventView, ItemView, OrderView, ParcelView, effective_status
from shop.rules.returns import decide_return
from tests.shop.rules.conftest import NOW

COAT = ItemView(item_id=1, product_code="3101", product_name="coat")
JEANS = ItemView(item_id=2, product_code="3102", product_name="jeans")


def _parcel(tracking_no: str, *, shipped_h: float, scans: tuple[tuple[float, str], ...] = (), signed_h=None):
    return ParcelView(
        courier="韵达快递",
        tracking_no=tracking_no,
        shipped_at=NOW - timedelta(hours=shipped_h),
        signed_at=NOW - timedelta(hours=signed_h) if signed_h is not None else None,
        events=tuple(EventView(at=NOW - timedelta(hours=h), text=text) for h, text in scans),
    )


SIGNED = _parcel("YD01", shipped_h=80, scans=((79, "揽收"), (60, "已签收")), signed_h=60)
MOVING = _parcel("YD02", shipped_h=30, scans=((29, "揽收"), (5, "到达苏州")))
UNSCANNED = _parcel("YD03", shipped_h=10)
QUIET = _parcel("YD04", shipped_h=100, scans=((99, "揽收"),))


def _split(*parcels: ParcelView, status: str = "shipped", order_id: str = "7300451200077") -> OrderView:
    last = parcels[-1]
    return OrderView(
        order_id=order_id,
        status=effective_status(status, parcels),
        items=(COAT, JEANS),
        created_at=NOW - timedelta(days=5),
        courier=last.courier,
        tracking_no=last.tracking_no,
        shipped_at=last.shipped_at,
        signed_at=last.signed_at,
        events=last.events,
        parcels=parcels,
    )


def test_an_order_is_delivered_only_when_every_parcel_is_signed_for() -> None:
    assert effective_status("delivered", (SIGNED, MOVING)) == "shipped"
    assert effective_status("delivered", (SIGNED, SIGNED)) == "delivered"
    # No sign-for times at all (an export without 签收时间): the shop's status stands.
    assert effective_status("delivered", (MOVING, UNSCANNED)) == "delivered"
    assert effective_status("delivered", (SIGNED,)) == "delivered"


def test_where_is_my_order_lists_every_parcel_with_its_latest_scan(policy) -> None:
    decision = decide_status(_split(SIGNED, MOVING, UNSCANNED), text="到哪了", now=NOW, policy=policy)
    assert (decision.rule, decision.response, decision.handoff) == (
        "order_parcels",
        "utter_order_parcels",
        False,
    )
    parcels = decision.facts["parcels"]
    assert [(p["tracking_no"], p["latest_event"]) for p in parcels] == [
        ("YD01", "已签收"),
        ("YD02", "到达苏州"),
        ("YD03", ""),  # not scanned yet
    ]
    assert decision.facts["parcel_count"] == 3


def test_a_quiet_parcel_of_a_split_order_goes_to_an_agent_with_a_task(policy) -> None:
    decision = decide_status(_split(QUIET, MOVING), text="到哪了", now=NOW, policy=policy)
    assert decision.rule == "order_parcels_with_stale"
    assert (decision.handoff_reason, decision.follow_up) == ("tracking_stale", "tracking_stale")
    assert decision.facts["stale_tracking_nos"] == ["YD04"]


def test_every_parcel_signed_reads_delivered_and_not_received_goes_to_an_agent(policy) -> None:
    order = _split(SIGNED, SIGNED, status="delivered")
    assert decide_status(order, text="到了吗", now=NOW, policy=policy).rule == "order_parcels_delivered"
    missing = decide_status(order, text="我没收到", now=NOW, policy=policy)
    assert (missing.rule, missing.handoff_reason) == ("delivered_not_received", "delivered_not_received")


@pytest.mark.parametrize("pasted", ["YD02", "yd02"])
def test_a_pasted_waybill_answers_about_that_parcel(policy, pasted: str) -> None:
    order = _split(SIGNED, MOVING)
    choice = choose_order([order], OrderHints(text=pasted, tracking_number=pasted))
    assert (choice.kind, choice.how) == (CHOSEN, "tracking_number")
    decision = decide_status(choice.order, text=pasted, now=NOW, policy=policy)
    assert decision.rule == "order_shipped"  # the one-parcel answer, about this parcel
    assert (decision.facts["tracking_no"], decision.facts["latest_event"]) == ("YD02", "到达苏州")


def test_the_signed_parcel_named_by_waybill_reads_delivered(policy) -> None:
    choice = choose_order([_split(SIGNED, MOVING)], OrderHints(tracking_number="YD01"))
    decision = decide_status(choice.order, text="YD01", now=NOW, policy=policy)
    assert decision.rule == "order_delivered" and decision.facts["tracking_no"] == "YD01"


def test_another_buyers_waybill_is_not_found() -> None:
    choice = choose_order([_split(SIGNED, MOVING)], OrderHints(tracking_number="YD99"))
    assert choice.kind == NOT_FOUND


def test_where_are_my_parcels_answers_each_parcel_of_a_split_order_once(views) -> None:
    other = views["5021873340003"]  # one parcel on its way
    choice = choose_parcel(
        [_split(SIGNED, MOVING, order_id="7300451200078"), other], OrderHints(text="快递到哪了")
    )
    assert choice.kind == SEVERAL
    assert [o.tracking_no for o in choice.candidates] == ["YD01", "YD02", other.tracking_no]


def test_a_return_on_a_split_order_waits_for_every_parcel_unless_she_names_a_signed_one(policy) -> None:
    partly = _split(SIGNED, MOVING, status="delivered")  # the export said signed: one parcel still moving
    assert decide_return(partly, COAT, text="我要退货", now=NOW, policy=policy).rule == "return_not_delivered"
    done = _split(SIGNED, _parcel("YD05", shipped_h=70, signed_h=50), status="delivered")
    decision = decide_return(done, COAT, text="我要退货", now=NOW, policy=policy)
    assert decision.rule != "return_not_delivered" and decision.facts["days_since_signed"] == 2
    # She names the parcel she has: what came in it may go back.
    got = choose_order([partly], OrderHints(tracking_number="YD01")).order
    assert decide_return(got, COAT, text="我要退货", now=NOW, policy=policy).rule != "return_not_delivered"


def test_an_address_change_on_a_split_order_on_its_way_goes_to_the_courier_via_an_agent() -> None:
    decision = decide_address_change(_split(SIGNED, MOVING, status="delivered"))  # one parcel still moving
    assert (decision.rule, decision.handoff_reason) == (
        "address_after_dispatch",
        "address_change_after_dispatch",
    )
    assert decision.facts["tracking_no"] == "YD02"  # the latest-shipped parcel, the one on its way
    finished = decide_address_change(_split(SIGNED, SIGNED, status="delivered"))
    assert finished.rule == "address_order_finished"
