"""Table tests of shop.rules.order_status: one reply per status, at a fixed NOW."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shop.rules.order_status import decide_parcels, decide_status
from shop.rules.order_view import EventView
from tests.render import render

CASES = [
    # (order id, message, rule, handoff reason, follow-up, expected facts subset)
    ("5021873340001", "发货了吗", "order_awaiting_payment", None, None, {"product": "针织打底连衣裙"}),
    (
        "5021873340002",
        "什么时候发货",
        "order_paid_within_promise",
        None,
        None,
        {"product": "红色羊毛大衣", "dispatch_hours": 48, "hours_left": 28},
    ),
    (
        "5021873340003",
        "到哪了",
        "order_shipped",
        None,
        None,
        {"courier": "中通快递", "tracking_no": "75300000000031", "transit_min": 3, "transit_max": 4},
    ),
    (
        "5021873340006",
        "怎么还没到",
        "tracking_stale",
        "tracking_stale",
        "tracking_stale",
        {"courier": "韵达快递", "tracking_no": "43100000000066", "stale_hours": 48, "hours_since_update": 96},
    ),
    (
        "5021873340004",
        "到了没",
        "order_delivered",
        None,
        None,
        {"signed_event": "【北京市】已签收，签收人：本人", "signed_days_ago": 3},
    ),
    (
        "5021873340005",
        "显示签收了但我没收到",
        "delivered_not_received",
        "delivered_not_received",
        None,
        {"signed_event": "【北京市】已签收，签收人：快递柜"},
    ),
    (
        "5021873340007",
        "我还没有收到呀",
        "delivered_not_received",
        "delivered_not_received",
        None,
        {"signed_event": "【北京市】已签收，签收人：本人"},
    ),
]


@pytest.mark.parametrize(("order_id", "text", "rule", "handoff", "follow_up", "facts"), CASES)
def test_status_of_demo_orders(views, policy, now, order_id, text, rule, handoff, follow_up, facts):
    decision = decide_status(views[order_id], text=text, now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.rule == rule
    assert decision.handoff_reason == handoff
    assert decision.follow_up == follow_up
    assert facts.items() <= decision.facts.items()
    assert decision.facts["order_id"] == order_id


def test_shipped_reply_carries_the_latest_event(views, policy, now):
    decision = decide_status(views["5021873340003"], text="", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.facts["latest_event"].startswith("【上海市】派件中")
    # The usual transit time only: nothing that reads as a promised date.
    assert not {"eta", "delivery_date", "arrives_on"} & decision.facts.keys()


def test_paid_overdue_hands_over(views, policy, now):
    late = replace(views["5021873340002"], paid_at=now - timedelta(hours=50))
    decision = decide_status(late, text="", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert (decision.rule, decision.handoff_reason) == ("order_paid_overdue", "dispatch_overdue")
    assert decision.facts["hours_overdue"] == 2


def test_paid_just_before_the_promise_still_within(views, policy, now):
    order = replace(views["5021873340002"], paid_at=now - timedelta(hours=47, minutes=50))
    decision = decide_status(order, text="", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.rule == "order_paid_within_promise"
    assert decision.facts["hours_left"] == 1


@pytest.mark.parametrize(("quiet_hours", "rule"), [(47, "order_shipped"), (48, "tracking_stale")])
def test_stale_boundary(views, policy, now, quiet_hours, rule):
    order = replace(
        views["5021873340003"],
        events=(EventView(at=now - timedelta(hours=quiet_hours), text="【杭州市】已揽收"),),
    )
    assert decide_status(order, text="", now=now, policy=policy).rule == rule


def test_shipped_without_any_scan_counts_from_dispatch(views, policy, now):
    order = replace(views["5021873340003"], events=(), shipped_at=now - timedelta(days=3))
    decision = decide_status(order, text="", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.rule == "tracking_stale"
    assert decision.facts["latest_event"] == ""


def test_closed_and_unknown_status(views, policy, now):
    closed = replace(views["5021873340001"], status="closed")
    assert decide_status(closed, text="", now=now, policy=policy).rule == "order_closed"
    odd = replace(views["5021873340001"], status="refunding")
    decision = decide_status(odd, text="", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.rule == "order_status_unknown" and decision.handoff


def test_delivered_question_without_not_received_words(views, policy, now):
    decision = decide_status(views["5021873340005"], text="签收了吗", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.rule == "order_delivered" and not decision.handoff


def test_parcels_summary_with_a_stale_one(views, policy, now):
    orders = [views["5021873340003"], views["5021873340006"]]
    decision = decide_parcels(orders, now=now, policy=policy)
    texts = render(decision.response, decision.facts)  # every placeholder has a fact
    assert (decision.rule, decision.response) == ("parcels_summary_with_stale", "utter_parcels_summary_2")
    assert (decision.handoff_reason, decision.follow_up) == ("tracking_stale", "tracking_stale")
    assert decision.facts["stale_order_ids"] == ["5021873340006"]
    assert [p["rule"] for p in decision.facts["parcels"]] == ["order_shipped", "tracking_stale"]
    for text in texts:
        assert all(
            part in text for part in ("中通快递", "75300000000031", "派件中", "韵达快递", "43100000000066")
        )


def test_parcels_summary_all_moving(views, policy, now):
    moving = replace(
        views["5021873340006"], events=(EventView(at=now - timedelta(hours=5), text="【郑州市】派件中"),)
    )
    decision = decide_parcels(
        [views["5021873340003"], moving, views["5021873340003"]], now=now, policy=policy
    )
    render(decision.response, decision.facts)
    assert (decision.rule, decision.response, decision.handoff) == (
        "parcels_summary",
        "utter_parcels_summary_3",
        False,
    )
    assert decision.facts["stale_order_ids"] == []
