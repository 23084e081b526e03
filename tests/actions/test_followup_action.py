"""Elliptical follow-ups ("那108呢", "黑色的呢") answered by the capability they continue."""

from __future__ import annotations

import pytest

from actions.base import previous_intent
from actions.handoff import ActionFallback
from actions.size import ActionSizeAdvice
from actions.stock import ActionStock
from tests.actions.presale_fixtures import db_url, shop  # noqa: F401
from tests.trackers import make_tracker, run_action, user_event

SEED = {"height": 162, "weight": 57.5, "bust": 92, "waist": 79, "hip": 96, "shoulder": 39}


def test_previous_intent_skips_the_current_message_and_fallbacks() -> None:
    events = [
        user_event("ask_size", "0201穿什么码"),
        {"event": "bot", "text": "M码"},
        user_event("nlu_fallback", "那108呢"),
        user_event("out_of_scope", "那0164呢"),
    ]
    assert previous_intent(events) == "ask_size"


def test_previous_intent_stays_in_this_conversation() -> None:
    events = [user_event("ask_size"), {"event": "session_started"}, user_event("nlu_fallback", "那108呢")]
    assert previous_intent(events) is None
    assert previous_intent([user_event("ask_stock")]) is None  # only the current message


def fallback_tracker(entities: dict, slots: dict, earlier: list[str], text: str = "那108呢"):
    return make_tracker(
        "nlu_fallback",
        text=text,
        entities=entities,
        slots=slots,
        confidence=0.45,
        earlier=[user_event(intent) for intent in earlier],
    )


@pytest.mark.usefixtures("shop")
async def test_size_follow_up_drafts_as_the_size_action() -> None:
    tracker = fallback_tracker({"product_code": "108"}, {**SEED, "product_code": "108"}, ["ask_size"])
    run = await run_action(ActionFallback(), tracker)
    direct = await run_action(ActionSizeAdvice(), tracker)
    assert (run.rule, run.facts["size"]) == ("size_fit_all_followup", "L")
    assert run.facts["continued_intent"] == "ask_size"
    assert run.responses == direct.responses and run.replies == direct.replies
    assert not run.draft["handoff"]


@pytest.mark.usefixtures("shop")
async def test_follow_up_through_an_earlier_follow_up() -> None:
    slots = {**SEED, "product_code": "0164"}
    tracker = fallback_tracker({"product_code": "0164"}, slots, ["ask_size", "nlu_fallback"], "0164呢")
    run = await run_action(ActionFallback(), tracker)
    assert (run.rule, run.facts["size"]) == ("size_fit_all_followup", "L")


@pytest.mark.usefixtures("shop")
async def test_stock_follow_up_with_a_colour() -> None:
    tracker = fallback_tracker(
        {"color": "米白"}, {"product_code": "0164", "color": "米白"}, ["ask_stock"], "米白呢"
    )
    run = await run_action(ActionFallback(), tracker)
    direct = await run_action(ActionStock(), tracker)
    assert run.rule == f"{direct.rule}_followup"
    assert run.facts["continued_intent"] == "ask_stock" and run.facts["color"] == "米白"
    assert run.replies == direct.replies


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(
    ("entities", "earlier"),
    [
        ({}, ["ask_size"]),  # nothing in the message to continue with
        ({"product_code": "108"}, ["ask_order_status"]),  # not a question a "...呢" continues
        ({"product_code": "108"}, []),  # nothing before it
    ],
)
async def test_otherwise_the_fallback_hands_over(entities, earlier) -> None:
    run = await run_action(ActionFallback(), fallback_tracker(entities, {"product_code": "108"}, earlier))
    assert (run.rule, run.responses, run.draft["handoff"]) == ("nlu_fallback", ["utter_fallback"], True)
