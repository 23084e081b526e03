"""Elliptical follow-ups are recognised from the real extractor's entities."""

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from nlu.components.ellipsis import EllipsisMarker
from nlu.text.ellipsis import is_elliptical
from nlu.text.extract import extract_entities, load_catalogue


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue("data/lexicon/catalogue.json")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("那108呢", True),
        ("0164呢", True),
        ("M码呢", True),
        ("黑色的呢", True),
        ("那L码呢", True),
        ("這件0201呢？", True),
        ("那雾蓝呢", True),
        # A real question, or no follow-up carrier: classify normally.
        ("0201穿什么码", False),
        ("那L码还有吗", False),  # a stock question, whatever came before
        ("0201 M码还有吗", False),
        ("有XL吗", False),
        ("108会起球吗", False),
        ("我的货呢", False),
        ("人工呢", False),
        ("108", False),  # no question mark of any kind: could be an answer to "which one?"
        ("", False),
        ("那0201这件大衣冬天穿会不会冷呢", False),
    ],
)
def test_follow_ups_are_told_apart_from_questions(catalogue, text, expected):
    assert is_elliptical(text, extract_entities(text, catalogue)) is expected


def test_the_component_marks_only_follow_ups(catalogue):
    marker = EllipsisMarker.create({}, None, Resource("ellipsis"), ExecutionContext(None))
    follow_up = Message.build(text="那108呢", intent="goodbye")
    follow_up.set("entities", extract_entities("那108呢", catalogue))
    follow_up.set("intent", {"name": "goodbye", "confidence": 0.91})
    question = Message.build(text="0201穿什么码")
    question.set("entities", extract_entities("0201穿什么码", catalogue))
    question.set("intent", {"name": "ask_size", "confidence": 0.97})
    marker.process([follow_up, question])
    assert follow_up.get("intent") == {"name": "nlu_fallback", "confidence": 0.91}
    assert follow_up.get("intent_ranking")[0]["name"] == "nlu_fallback"
    assert question.get("intent")["name"] == "ask_size"
