"""A pasted order id or waybill number alone asks where it is (nlu/text/pasted.py)."""

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from nlu.components.pasted import PastedNumberMarker
from nlu.text.extract import extract_entities, load_catalogue
from nlu.text.pasted import pasted_number_intent


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue("data/lexicon/catalogue.json")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5021873340003", "ask_order_status"),
        ("SF1000000009001", "ask_order_status"),
        ("sf1000000009001", "ask_order_status"),
        ("單號：SF1000000009001", "ask_order_status"),  # Traditional
        ("帮我查一下 75300000000031", "ask_order_status"),
        ("订单号5021873340003。", "ask_order_status"),
        # The linking format the bot asks for: never an address change.
        ("订单号1234567890123 手机尾号5678", "ask_order_status"),
        ("訂單號1234567890123 手機尾號5678", "ask_order_status"),
        ("5021873340003 3821", "ask_order_status"),
        # The number and a real question: the model decides.
        ("5021873340003能退吗", None),
        ("SF1000000009001 改地址", None),
        ("5021873340003什么时候发货", None),
        ("0201", None),
        ("13812345678", None),
        ("", None),
    ],
)
def test_pasted_numbers_are_told_apart_from_questions(catalogue, text, expected):
    assert pasted_number_intent(text, extract_entities(text, catalogue)) == expected


def test_the_component_marks_only_pasted_numbers(catalogue):
    marker = PastedNumberMarker.create({}, None, Resource("pasted"), ExecutionContext(None))
    pasted = Message.build(text="SF1000000009001")
    pasted.set("entities", extract_entities("SF1000000009001", catalogue))
    pasted.set("intent", {"name": "out_of_scope", "confidence": 0.57})
    pasted.set("intent_ranking", [{"name": "out_of_scope", "confidence": 0.57}])
    question = Message.build(text="5021873340003能退吗")
    question.set("entities", extract_entities("5021873340003能退吗", catalogue))
    question.set("intent", {"name": "request_return", "confidence": 0.97})
    marker.process([pasted, question])
    assert pasted.get("intent") == {"name": "ask_order_status", "confidence": 1.0}
    assert [r["name"] for r in pasted.get("intent_ranking")] == ["ask_order_status", "out_of_scope"]
    assert question.get("intent")["name"] == "request_return"
