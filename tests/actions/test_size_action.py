"""action_size_advice on the demo shop: the rendered reply carries the advice."""

from __future__ import annotations

import pytest

from actions.size import ActionSizeAdvice
from tests.actions.presale_fixtures import db_url, shop  # noqa: F401
from tests.trackers import make_tracker, run_action

pytestmark = pytest.mark.usefixtures("shop")
SEED = {"height": 162, "weight": 57.5, "bust": 92, "waist": 79, "hip": 96, "shoulder": 39}


@pytest.mark.parametrize(
    ("code", "size", "label"),
    [("0201", "M", "160/84A"), ("108", "L", "165/88A"), ("0164", "L", "165/74A"), ("0254", "M", "160/84A")],
)
async def test_seed_check(code: str, size: str, label: str) -> None:
    run = await run_action(
        ActionSizeAdvice(), make_tracker("ask_size", entities={"product_code": code, **SEED})
    )
    assert run.rule == "size_fit_all"
    assert run.responses[0] == "utter_size_fit"
    assert (run.facts["product_code"], run.facts["size"]) == (code, size)
    for text in run.texts():
        assert f"{size}码（{label}）" in text
        assert "仅供参考" in text


async def test_measurements_are_shown_in_jin() -> None:
    run = await run_action(
        ActionSizeAdvice(), make_tracker("ask_size", entities={"product_code": "0201", **SEED})
    )
    assert any("体重115斤" in text for text in run.texts())


async def test_measurements_remembered_in_slots_count() -> None:
    tracker = make_tracker(
        "ask_size", entities={"weight": 55}, slots={"product_code": "0363", "height": "162"}
    )
    run = await run_action(ActionSizeAdvice(), tracker)
    assert (run.rule, run.facts["size"]) == ("size_fit_all", "M")


@pytest.mark.parametrize(
    ("entities", "slots", "rule", "response"),
    [
        ({"height": 160, "weight": 50}, {}, "ask_missing_product", "utter_size_ask_product"),
        ({"product_code": "0201"}, {}, "ask_missing_height", "utter_size_ask_height"),
        ({"weight": 50}, {"product_code": "0201"}, "ask_missing_height", "utter_size_ask_height"),
        ({"height": 160}, {"product_code": "0201"}, "ask_missing_weight", "utter_size_ask_weight"),
        (
            {"product_code": "0164", "height": 160, "weight": 50},
            {},
            "ask_missing_waist",
            "utter_size_ask_waist",
        ),
        ({"product_code": "0420"}, {}, "ask_missing_bust", "utter_size_ask_bust"),
    ],
)
async def test_asks_one_thing_at_a_time(entities, slots, rule, response) -> None:
    run = await run_action(ActionSizeAdvice(), make_tracker("ask_size", entities=entities, slots=slots))
    assert (run.rule, run.responses) == (rule, [response])
    assert not run.draft["handoff"]
    run.texts()  # every variant renders with what was passed


async def test_jeans_from_the_waist_alone() -> None:
    # "27寸腰": the NLU gives size 27 and waist 69 cm; the waist decides, no hip asked.
    tracker = make_tracker(
        "ask_size", text="27寸腰", entities={"product_code": "0255", "size": "27", "waist": 69}
    )
    run = await run_action(ActionSizeAdvice(), tracker)
    assert (run.rule, run.facts["size"], run.facts["measurements"]) == ("size_fit_all", "27", {"waist": 69})
    assert all("27码" in t and "腰围69cm" in t for t in run.texts())


async def test_between_two_sizes_says_why() -> None:
    tracker = make_tracker("ask_size", entities={"product_code": "0201", "height": 160, "weight": 62})
    run = await run_action(ActionSizeAdvice(), tracker)
    assert run.rule == "size_between"
    assert run.facts["candidates"] == ["M", "L"]
    texts = run.texts()
    assert any("按身高M、按体重L" in t for t in texts)
    assert all("仅供参考" in t and "宽松" in t for t in texts)


async def test_outside_chart_is_honest_and_hands_off() -> None:
    tracker = make_tracker("ask_size", entities={"product_code": "0201", "height": 185, "weight": 60})
    run = await run_action(ActionSizeAdvice(), tracker)
    assert (run.rule, run.draft["handoff"], run.draft["handoff_reason"]) == (
        "size_outside_chart",
        True,
        "size_outside_chart",
    )
    assert run.facts["outside"] == {"height": "above"}
    assert all("身高" in t and "人工客服" in t for t in run.texts())


async def test_two_sizes_fit() -> None:
    tracker = make_tracker("ask_size", entities={"product_code": "108", "height": 163, "weight": 55.5})
    run = await run_action(ActionSizeAdvice(), tracker)
    assert run.rule == "size_fit_several"
    assert all("M" in t and "L" in t for t in run.texts())


async def test_advised_size_out_in_the_asked_colour_offers_the_same_size_in_stock() -> None:
    """身高167 体重124斤 0201红色 -> L; red L is out (back in ~7 days), camel L has 4."""
    tracker = make_tracker(
        "ask_size",
        text="身高167 体重124斤 想要0201红色 穿什么码",
        entities={"product_code": "0201", "height": 167, "weight": 62, "color": "红色"},
    )
    run = await run_action(ActionSizeAdvice(), tracker)
    assert (run.rule, run.facts["size"]) == ("size_fit_all", "L")
    assert run.responses == ["utter_size_fit", "utter_size_stock_restock", "utter_size_stock_others"]
    assert run.facts["stock"] == [
        {
            "size": "L",
            "color": "红色",
            "rule": "size_stock_restock",
            "quantity": 0,
            "restock_days": 7,
            "others": {"驼色": 4},
        }
    ]
    for text in run.texts(1):
        assert "红色L码" in text and "7天" in text
    for text in run.texts(2):
        assert "L码" in text and "驼色4件" in text
        assert "M码" not in text and "XL码" not in text  # never a size the chart did not advise


async def test_advised_size_in_stock_in_the_asked_colour() -> None:
    tracker = make_tracker(
        "ask_size", entities={"product_code": "0201", "height": 162, "weight": 57.5, "color": "红色"}
    )
    run = await run_action(ActionSizeAdvice(), tracker)
    assert run.responses == ["utter_size_fit", "utter_size_stock_available"]
    assert all("红色M码" in text for text in run.texts(1))


async def test_advised_size_without_a_colour_says_which_colours_have_it() -> None:
    tracker = make_tracker("ask_size", entities={"product_code": "0201", "height": 167, "weight": 62})
    run = await run_action(ActionSizeAdvice(), tracker)
    assert run.responses == ["utter_size_fit", "utter_size_stock_colors"]
    assert all("驼色4件" in text and "红色" not in text for text in run.texts(1))


async def test_colour_remembered_from_an_earlier_turn_counts() -> None:
    tracker = make_tracker(
        "ask_size", entities={"height": 167, "weight": 62}, slots={"product_code": "0201", "color": "红色"}
    )
    run = await run_action(ActionSizeAdvice(), tracker)
    assert run.facts["stock"][0]["rule"] == "size_stock_restock"


async def test_no_stock_line_when_the_buyer_is_outside_the_chart() -> None:
    tracker = make_tracker(
        "ask_size", entities={"product_code": "0201", "height": 185, "weight": 90, "color": "红色"}
    )
    run = await run_action(ActionSizeAdvice(), tracker)
    assert run.responses == ["utter_size_outside_chart"] and run.facts["stock"] == []
