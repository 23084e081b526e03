"""Our inspect channel answers in the shape tests/fakes/inspect_channel.json describes.

FakeRasa (tests/fakes/rasa.py) imitates this answer for the gateway's tests; both
are checked against the one description, so the fake cannot drift from the channel.
"""

from __future__ import annotations

from typing import Any

from nlu.server.channel import verdict_from_parse_data
from tests.fakes.inspect_contract import answer_mismatches
from tests.nlu.server.test_channel import ActionServer, Channel, run


def test_the_channels_answer_has_the_shared_shape() -> None:
    answers: list[tuple[int, dict[str, Any]]] = []

    async def scenario(channel: Channel, actions: ActionServer) -> None:
        answers.append(await channel.post({"sender": "tg-1", "message": "你好", "message_id": "m1"}))

    run(scenario)
    status, answer = answers[0]
    assert status == 200
    assert answer_mismatches(answer) == []
    assert answer["messages"][-1]["custom"]["draft"] == {"action": "x"}


def test_a_full_parse_has_the_shared_shape() -> None:
    parse_data = {
        "text": "M码有吗",
        "intent": {"name": "ask_size", "confidence": 0.91},
        "intent_ranking": [{"name": "ask_size", "confidence": 0.91}, {"name": "greet", "confidence": 0.05}],
        "entities": [{"entity": "size", "value": "M", "start": 0, "end": 2, "extractor": "X", "extra": 1}],
    }
    assert answer_mismatches({"messages": [], **verdict_from_parse_data(parse_data)}) == []


def test_the_verdict_hands_on_the_classifiers_own_grievance_share() -> None:
    parse_data = {
        "text": "发票开错了",
        "intent": {"name": "ask_invoice", "confidence": 0.8},
        "intent_ranking": [{"name": "ask_invoice", "confidence": 0.8}],
        "entities": [],
        "grievance": 0.31,
    }
    verdict = verdict_from_parse_data(parse_data)
    assert verdict["grievance"] == 0.31
    assert answer_mismatches({"messages": [], **verdict}) == []
    # A model without `grievance_intents` gives none: the gateway reads the ranking instead.
    assert verdict_from_parse_data({**parse_data, "grievance": None})["grievance"] is None


def test_the_verdict_hands_on_the_complaint_tone() -> None:
    parse_data = {
        "text": "发票说了三遍还开错",
        "intent": {"name": "ask_invoice", "confidence": 0.8},
        "intent_ranking": [{"name": "ask_invoice", "confidence": 0.8}],
        "entities": [],
        "grievance": 0.02,
        "tone": 0.74,
    }
    verdict = verdict_from_parse_data(parse_data)
    assert verdict["tone"] == 0.74
    assert answer_mismatches({"messages": [], **verdict}) == []
    # A model without `complaint_tone` gives none: the gateway holds any draft under a tone cap.
    assert verdict_from_parse_data({**parse_data, "tone": None})["tone"] is None
