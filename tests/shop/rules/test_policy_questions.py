"""A question about the shop's rules vs a request about one of the buyer's orders."""

from __future__ import annotations

import pytest

from shop.rules.policy_questions import asks_dispatch_rule, return_policy_topics

RETURN_CASES = [
    # text, order named, has orders, topics
    ("你们家支持七天无理由退货吗", False, True, ("returns",)),
    ("你們家支持七天無理由退貨嗎", False, True, ("returns",)),  # Traditional
    ("退货运费谁出呀", False, True, ("return_postage",)),
    ("退貨運費誰出呀", False, False, ("return_postage",)),
    ("7天无理由的话运费谁出", False, True, ("returns", "return_postage")),
    ("有运费险吗", False, True, ("return_postage",)),
    ("内衣可以退吗", False, True, ("returns",)),
    ("可以退货吗", False, False, ("returns",)),  # no orders: any question is about the rules
    ("可以退货吗", False, True, ("returns",)),
    ("退换方便吗", False, False, ("returns",)),
    # requests about her own order
    ("退换方便吗", False, True, ()),
    ("我要退货", False, False, ()),
    ("这件衣服我想退了", False, True, ()),
    ("我买的大衣支持七天无理由吗", False, True, ()),
    ("5021873340004能退吗", True, True, ()),
    ("收到的毛衣不合适，运费谁出", False, True, ()),
    ("已经换过一次的裙子还能退吗", False, True, ()),
    ("昨天刚买的可以退货吗", False, True, ()),
    ("衣服开线了可以退吗", False, True, ()),  # a quality problem: her parcel
]


@pytest.mark.parametrize(("text", "named", "has_orders", "topics"), RETURN_CASES)
def test_return_policy_topics(text: str, named: bool, has_orders: bool, topics: tuple[str, ...]) -> None:
    assert return_policy_topics(text, order_named=named, has_orders=has_orders) == topics


DISPATCH_CASES = [
    ("今天拍什么时候发货", False, True, True),
    ("今天拍什麼時候發貨", False, True, True),  # Traditional
    ("下单后一般多久发货", False, True, True),
    ("什么时候发货", False, False, True),  # a buyer with no orders asks before buying
    ("什么时候发货", False, True, False),  # with orders: about hers, as before
    ("我的快递什么时候发", False, False, False),
    ("刚下单了多久发货", False, True, False),
    ("5021873340001什么时候发货", True, False, False),
]


@pytest.mark.parametrize(("text", "named", "has_orders", "expected"), DISPATCH_CASES)
def test_asks_dispatch_rule(text: str, named: bool, has_orders: bool, expected: bool) -> None:
    assert asks_dispatch_rule(text, order_named=named, has_orders=has_orders) is expected
