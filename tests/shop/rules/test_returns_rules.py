"""Table tests of shop.rules.returns on the demo orders and variations of them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from shop.rules.order_view import ItemView
from shop.rules.returns import (
    ask_from_pending,
    choose_item,
    confirmed_reply,
    decide_return,
    is_eligible,
    pending_from,
)
from tests.render import render


def _signed(order, now, **ago):
    """The order re-dated so it was signed ``ago`` before now."""
    return replace(order, signed_at=now - timedelta(**ago))


CASES = [
    # (id, order id, message, rule, reply, handoff reason, facts subset)
    (
        "insured sweater within 7 days",
        "5021873340004",
        "毛衣想退货",
        "return_no_reason_ok",
        "return_no_reason_ok_insured",
        None,
        {"postage_payer": "insurer", "insurance_payout_days": 3, "days_since_signed": 3, "kind": "return"},
    ),
    (
        "insured sweater exchange",
        "5021873340004",
        "想换个尺码",
        "exchange_no_reason_ok",
        "exchange_no_reason_ok_insured",
        None,
        {"kind": "exchange", "exchanges_used": 0, "exchanges_allowed": 1},
    ),
    (
        "dress past 7 days, quality window still open",
        "5021873340005",
        "连衣裙不喜欢想退",
        "return_window_passed",
        "return_window_passed_quality_open",
        None,
        {"days_since_signed": 10, "no_reason_days": 7, "quality_days": 15},
    ),
    (
        "dress quality problem within 15 days",
        "5021873340005",
        "连衣裙开线了",
        "return_quality_ok",
        "return_quality_ok",
        None,
        {"reason": "quality", "postage_payer": "seller"},
    ),
    (
        "denied quality problem is not one",
        "5021873340005",
        "没有质量问题，就是不喜欢",
        "return_window_passed",
        "return_window_passed_quality_open",
        None,
        {},
    ),
    (
        "underwear has no no-reason return",
        "5021873340007",
        "内衣不合适想退",
        "return_not_allowed_hygiene",
        "return_not_allowed_hygiene",
        None,
        {"product": "塑形无痕内衣套装", "quality_days": 15},
    ),
    (
        "underwear quality problem is fine",
        "5021873340007",
        "内衣有瑕疵",
        "return_quality_ok",
        "return_quality_ok",
        None,
        {"reason": "quality"},
    ),
    ("unpaid order", "5021873340001", "不想要了", "return_order_unpaid", "return_order_unpaid", None, {}),
    (
        "paid, not shipped",
        "5021873340002",
        "大衣想退",
        "return_not_delivered",
        "return_not_delivered",
        "return_before_delivery",
        {"no_reason_days": 7},
    ),
    (
        "on its way",
        "5021873340003",
        "牛仔裤想退",
        "return_not_delivered",
        "return_not_delivered",
        "return_before_delivery",
        {},
    ),
]


@pytest.mark.parametrize(
    ("name", "order_id", "text", "rule", "reply", "handoff", "facts"), CASES, ids=[c[0] for c in CASES]
)
def test_demo_orders(views, policy, now, name, order_id, text, rule, reply, handoff, facts):
    order = views[order_id]
    decision = decide_return(order, order.items[0], text=text, now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert (decision.rule, decision.reply, decision.handoff_reason) == (rule, reply, handoff)
    assert facts.items() <= decision.facts.items()


VARIATIONS = [
    # (id, order id, signed days ago, message, rule, reply, handoff reason)
    (
        "no insurance, within 7 days",
        "5021873340005",
        6,
        "想退",
        "return_no_reason_ok",
        "return_no_reason_ok",
        None,
    ),
    ("exactly 7 days", "5021873340005", 7, "想退", "return_no_reason_ok", "return_no_reason_ok", None),
    (
        "just past 7 days",
        "5021873340005",
        7.01,
        "想退",
        "return_window_passed",
        "return_window_passed_quality_open",
        None,
    ),
    (
        "quality problem after 15 days",
        "5021873340005",
        16,
        "破了个洞",
        "return_window_passed",
        "return_window_passed",
        "return_window_passed",
    ),
    (
        "past every window",
        "5021873340004",
        20,
        "想退",
        "return_window_passed",
        "return_window_passed",
        "return_window_passed",
    ),
    (
        "underwear past 15 days",
        "5021873340007",
        16,
        "想退",
        "return_window_passed",
        "return_window_passed",
        "return_window_passed",
    ),
]


@pytest.mark.parametrize(
    ("name", "order_id", "days", "text", "rule", "reply", "handoff"),
    VARIATIONS,
    ids=[v[0] for v in VARIATIONS],
)
def test_windows(views, policy, now, name, order_id, days, text, rule, reply, handoff):
    order = _signed(views[order_id], now, days=days)
    decision = decide_return(order, order.items[0], text=text, now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert (decision.rule, decision.reply, decision.handoff_reason) == (rule, reply, handoff)


def test_buyer_pays_postage_without_insurance(views, policy, now):
    order = _signed(views["5021873340005"], now, days=2)
    decision = decide_return(order, order.items[0], text="想退", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.facts["postage_payer"] == "buyer"
    assert decision.facts["refund_processed"] == policy.returns.refund_processed
    assert decision.facts["condition"] == policy.returns.condition


def test_closed_order_hands_over(views, policy, now):
    order = replace(views["5021873340004"], status="closed")
    decision = decide_return(order, order.items[0], text="想退", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert (decision.rule, decision.handoff_reason) == ("return_order_closed", "return_order_closed")


def test_item_with_a_request_is_not_asked_again(views, policy, now):
    order = views["5021873340004"]
    item = replace(order.items[0], request_kind="return", request_status="requested")
    order = replace(order, items=(item,))
    decision = decide_return(order, item, text="想退", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.rule == "return_already_requested"
    assert not is_eligible(decision)


def _two_items(order, other_status):
    first = order.items[0]
    other = ItemView(
        item_id=first.item_id + 1,
        product_code="0363",
        product_name="纯棉基础款T恤",
        request_kind="exchange",
        request_status=other_status,
    )
    return replace(order, items=(first, other))


def test_one_no_fault_exchange_per_order(views, policy, now):
    order = _two_items(views["5021873340004"], "requested")
    decision = decide_return(order, order.items[0], text="换个颜色", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert (decision.rule, decision.handoff_reason) == ("exchange_limit_reached", "exchange_limit_reached")
    assert decision.facts["exchanges_used"] == 1


def test_cancelled_exchange_does_not_count(views, policy, now):
    order = _two_items(views["5021873340004"], "cancelled")
    decision = decide_return(order, order.items[0], text="换个颜色", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.rule == "exchange_no_reason_ok"


def test_quality_exchange_ignores_the_allowance(views, policy, now):
    order = _two_items(views["5021873340004"], "requested")
    decision = decide_return(order, order.items[0], text="有瑕疵想换货", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.rule == "return_quality_ok" and decision.facts["kind"] == "exchange"


def test_delivered_without_sign_time(views, policy, now):
    order = replace(views["5021873340004"], signed_at=None, events=())
    decision = decide_return(order, order.items[0], text="想退", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert decision.rule == "return_sign_time_unknown" and decision.handoff


def test_pending_value_is_json_safe(views, policy, now):
    order = views["5021873340004"]
    decision = decide_return(order, order.items[0], text="想退货", now=now, policy=policy)
    render(decision.response, decision.facts)  # every placeholder has a fact
    assert is_eligible(decision)
    pending = pending_from(decision)
    assert json.loads(json.dumps(pending)) == pending
    assert pending == {
        "order_item_id": order.items[0].item_id,
        "order_id": "5021873340004",
        "kind": "return",
        "reason": "no_reason",
    }


def test_choose_item(views):
    order = _two_items(views["5021873340004"], "requested")
    assert choose_item(order).product_code == "8951"
    assert choose_item(order, product_code="0363").product_code == "0363"
    assert choose_item(order, text="纯棉基础款T恤想退").product_code == "0363"


@pytest.mark.parametrize(
    ("order_id", "days", "text", "expected"),
    [
        ("5021873340004", 3, "想退货", "return_confirmed_insured"),
        ("5021873340005", 3, "想退货", "return_confirmed"),
        ("5021873340005", 3, "想换个尺码", "exchange_confirmed"),
        ("5021873340007", 3, "开线了", "quality_request_confirmed"),
    ],
)
def test_confirmation_reply(views, policy, now, order_id, days, text, expected):
    order = replace(views[order_id], signed_at=now - timedelta(days=days))
    decision = decide_return(order, order.items[0], text=text, now=now, policy=policy)
    assert is_eligible(decision)
    assert confirmed_reply(decision) == expected
    render(f"utter_{expected}", decision.facts)
    # What the pending slot remembers reads back as the same request.
    again = decide_return(
        order, order.items[0], text="", now=now, policy=policy, ask=ask_from_pending(pending_from(decision))
    )
    assert again.facts == decision.facts
