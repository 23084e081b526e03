"""Table tests of shop.rules.address and the cue words of shop.rules.cues."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shop.rules.address import decide_address_change
from shop.rules.cues import asks_where_parcel, says_not_received, says_quality_problem, wants_exchange
from tests.render import render

ADDRESS = [
    ("5021873340001", "address_before_dispatch", "address_change_before_dispatch"),
    ("5021873340002", "address_before_dispatch", "address_change_before_dispatch"),
    ("5021873340003", "address_after_dispatch", "address_change_after_dispatch"),
    ("5021873340004", "address_order_finished", None),
]


@pytest.mark.parametrize(("order_id", "rule", "handoff"), ADDRESS)
def test_address_change(views, order_id, rule, handoff):
    decision = decide_address_change(views[order_id])
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert (decision.rule, decision.handoff_reason) == (rule, handoff)


def test_address_after_dispatch_names_the_parcel(views):
    facts = decide_address_change(views["5021873340003"]).facts
    assert (facts["courier"], facts["tracking_no"]) == ("中通快递", "75300000000031")


def test_closed_order_address(views):
    closed = replace(views["5021873340001"], status="closed")
    assert decide_address_change(closed).rule == "address_order_finished"


@pytest.mark.parametrize(
    ("text", "not_received", "quality", "exchange"),
    [
        ("显示签收了但是我没收到", True, False, False),
        ("快递未收到", True, False, False),
        ("衣服有瑕疵，想换货", False, True, True),
        ("起球严重，质量问题", False, True, False),
        ("没有质量问题，就是想换个尺码", False, False, True),
        ("想退货", False, False, False),
        ("", False, False, False),
    ],
)
def test_cues(text, not_received, quality, exchange):
    assert says_not_received(text) is not_received
    assert says_quality_problem(text) is quality
    assert wants_exchange(text) is exchange


@pytest.mark.parametrize(
    ("text", "parcel"),
    [
        ("我的快递到哪了", True),
        ("包裹到了没", True),
        ("物流怎么不动了", True),
        ("单号多少", True),
        ("发货了吗", False),
        ("快递什么时候发", False),  # about dispatch: the paid orders count
        ("这件有货吗", False),
    ],
)
def test_parcel_question(text, parcel):
    assert asks_where_parcel(text) is parcel
