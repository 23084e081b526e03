"""action_fabric_care on the demo shop."""

from __future__ import annotations

import pytest

from actions.fabric import ActionFabricCare
from tests.actions.presale_fixtures import db_url, shop  # noqa: F401
from tests.trackers import make_tracker, run_action

pytestmark = pytest.mark.usefixtures("shop")


@pytest.mark.parametrize(
    ("code", "concern", "rule", "expected"),
    [
        ("8951", "pilling", "fabric_pilling_high", "羊绒、羊毛"),
        ("0254", "pilling", "fabric_pilling_high", "腈纶"),
        ("0201", "pilling", "fabric_pilling_some", "羊毛"),
        ("0363", "pilling", "fabric_pilling_low", "纯棉"),
        ("0255", "fading", "fabric_fading_prone", "牛仔面料"),
        ("0137", "fading", "fabric_fading_prone", "真丝面料"),
        ("108", "shrinking", "fabric_shrinking_prone", "棉"),
        ("0164", "material", "fabric_material", "涤纶68%、粘纤28%、氨纶4%"),
        ("0201", "washing", "fabric_washing", "建议干洗"),
        ("0201", None, "fabric_overview", "羊毛80%、锦纶20%"),
    ],
)
async def test_concern_per_product(code: str, concern: str | None, rule: str, expected: str) -> None:
    entities = {"product_code": code} | ({"concern": concern} if concern else {})
    run = await run_action(ActionFabricCare(), make_tracker("ask_fabric_care", entities=entities))
    assert run.rule == rule
    assert run.facts["product_code"] == code
    texts = run.texts()
    assert any(expected in t for t in texts)
    for text in texts:
        for absolute in ("绝对", "100%", "完全不会"):
            assert absolute not in text


async def test_dark_silk_names_the_colour() -> None:
    tracker = make_tracker("ask_fabric_care", entities={"product_code": "0137", "concern": "fading"})
    run = await run_action(ActionFabricCare(), tracker)
    assert run.facts["fading_reasons"] == ["silk", "dark"]
    assert any("深色染料（酒红）" in t for t in run.texts())


async def test_light_colour_asked_is_not_a_fading_risk() -> None:
    tracker = make_tracker(
        "ask_fabric_care", entities={"concern": "fading", "color": "驼色"}, slots={"product_code": "0201"}
    )
    run = await run_action(ActionFabricCare(), tracker)
    assert run.rule == "fabric_fading_low"


async def test_overview_lists_the_risks_and_the_care_text() -> None:
    run = await run_action(
        ActionFabricCare(), make_tracker("ask_fabric_care", entities={"product_code": "0201"})
    )
    assert run.facts["risks"] == ["pilling", "fading", "shrinking"]
    assert all("平铺晾干" in t and "起球" in t for t in run.texts())


async def test_no_product_asks_which() -> None:
    run = await run_action(
        ActionFabricCare(), make_tracker("ask_fabric_care", entities={"concern": "pilling"})
    )
    assert (run.rule, run.responses) == ("fabric_ask_product", ["utter_fabric_ask_product"])
