"""Table tests of what is said about promotions (shop.rules.offers) and bargaining (shop.rules.bargain)."""

from __future__ import annotations

import pytest

from shop.policy.config import BargainingPolicy, load_policy
from shop.rules.bargain import decide
from shop.rules.offers import Promo, answer, buyer_kind, pointable

FULL = Promo("FULL199", "全店满199减20")
NEW = Promo("NEWCOMER5", "新客5元无门槛优惠券", newcomer_only=True)


@pytest.mark.parametrize(
    ("buyer", "newcomer", "kind"),
    [(None, False, "guest"), ("tb_newbie", True, "newcomer"), ("tb_linlin", False, "returning")],
)
def test_buyer_kind(buyer, newcomer, kind) -> None:
    assert buyer_kind(buyer, newcomer=newcomer) == kind


@pytest.mark.parametrize(
    ("kind", "promos", "rule", "ids", "note"),
    [
        ("guest", [FULL, NEW], "promotion_guest", ("FULL199", "NEWCOMER5"), ("NEWCOMER5",)),
        ("newcomer", [FULL, NEW], "promotion_newcomer", ("FULL199", "NEWCOMER5"), ()),
        ("returning", [FULL], "promotion_returning", ("FULL199",), ()),
        ("returning", [], "promotion_none", (), ()),
    ],
)
def test_promotion_answer_per_buyer_kind(kind, promos, rule, ids, note) -> None:
    result = answer(promos, kind=kind)
    assert (result.rule, result.promotions, result.newcomer_note) == (rule, ids, note)


def test_unknown_kind_is_a_bug() -> None:
    with pytest.raises(ValueError):
        answer([], kind="vip")


def test_pointable_keeps_shop_order_and_policy_list() -> None:
    assert pointable([NEW, FULL, Promo("OTHER", "x")], ("FULL199", "NEWCOMER5")) == ["NEWCOMER5", "FULL199"]


POLICY = load_policy().bargaining


@pytest.mark.parametrize(
    ("previous", "applicable", "rule", "offers", "handoff"),
    [
        (0, ["FULL199", "NEWCOMER5"], "bargain_point_to_promotions", ("FULL199", "NEWCOMER5"), False),
        (0, ["FULL199"], "bargain_point_to_promotions", ("FULL199",), False),
        (0, [], "bargain_no_promotions", (), False),
        (1, ["FULL199"], "bargain_insists", ("FULL199",), True),
        (3, [], "bargain_insists", (), True),
    ],
)
def test_bargain_table(previous, applicable, rule, offers, handoff) -> None:
    decision = decide(POLICY, previous_bargains=previous, applicable_ids=applicable)
    assert (decision.rule, decision.offers, decision.handoff) == (rule, offers, handoff)


def test_offers_are_only_those_the_policy_allows() -> None:
    decision = decide(POLICY, previous_bargains=0, applicable_ids=["SECRET50"])
    assert decision.rule == "bargain_no_promotions"


def test_a_negotiating_shop_leaves_it_to_a_person() -> None:
    policy = BargainingPolicy(negotiate_price=True, max_goodwill_coupon=5.0, offer=("FULL199",))
    decision = decide(policy, previous_bargains=0, applicable_ids=["FULL199"])
    assert (decision.rule, decision.handoff) == ("bargain_agent_negotiates", True)
