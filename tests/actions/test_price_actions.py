"""action_promotion and action_bargain on the demo shop, per kind of buyer."""

from __future__ import annotations

import pytest

from actions.bargain import ActionBargain
from actions.promotions import ActionPromotion
from tests.actions.presale_fixtures import db_url, linked, shop  # noqa: F401
from tests.trackers import make_tracker, run_action

pytestmark = pytest.mark.usefixtures("shop")


@pytest.mark.parametrize(
    ("account", "kind", "promotions", "responses"),
    [
        (None, "guest", ["FULL199", "NEWCOMER5"], ["utter_promotion_list", "utter_promotion_newcomer_note"]),
        ("tb_newbie", "newcomer", ["FULL199", "NEWCOMER5"], ["utter_promotion_list"]),
        ("tb_linlin", "returning", ["FULL199"], ["utter_promotion_list"]),
    ],
)
async def test_promotions_per_buyer(linked, account, kind, promotions, responses) -> None:  # noqa: F811
    user_id = linked(account) if account else "stranger"
    run = await run_action(ActionPromotion(), make_tracker("ask_promotion", user_id=user_id))
    assert (run.rule, run.facts["buyer_kind"], run.facts["promotions"]) == (
        f"promotion_{kind}",
        kind,
        promotions,
    )
    assert run.responses == responses
    texts = run.texts()
    assert all("全店满199减20" in t and "1张" in t and "7天" in t for t in texts)
    assert all(("新客5元无门槛优惠券" in t) == ("NEWCOMER5" in promotions) for t in texts)


async def test_first_bargain_points_to_promotions_and_counts() -> None:
    run = await run_action(ActionBargain(), make_tracker("bargain", text="能便宜点吗"))
    assert run.rule == "bargain_point_to_promotions"
    assert not run.draft["handoff"]
    assert run.events == [{"event": "slot", "timestamp": None, "name": "bargain_count", "value": 1}]
    assert all("全店满199减20" in t for t in run.texts())


async def test_returning_buyer_is_not_offered_the_newcomer_coupon(linked) -> None:  # noqa: F811
    run = await run_action(ActionBargain(), make_tracker("bargain", user_id=linked("tb_linlin")))
    assert run.facts["offers"] == ["FULL199"]
    assert all("新客" not in t for t in run.texts())


async def test_second_bargain_goes_to_an_agent_without_a_coupon() -> None:
    run = await run_action(ActionBargain(), make_tracker("bargain", slots={"bargain_count": 1}))
    assert (run.rule, run.draft["handoff"], run.draft["handoff_reason"]) == (
        "bargain_insists",
        True,
        "bargain_insists",
    )
    assert run.facts["max_goodwill_coupon"] == 5.0  # for the agent, not the buyer
    assert run.events[0]["value"] == 2
    for text in run.texts():
        assert "券" not in text and "元" not in text
