"""The training process's cheaper copies and de-duplication (nlu/training/warm_training.py) keep Rasa's meaning."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.training import warm_training


@pytest.fixture
def installed() -> Iterator[None]:
    warm_training.install()
    try:
        yield
    finally:
        warm_training.uninstall()


def _message() -> Message:
    entities = [{"start": 2, "end": 4, "value": "M码", "entity": "size", "extra": {"source": ["lexicon"]}}]
    return Message(data={"text": "要M码的", "intent": "ask_size", "entities": entities})


def test_a_copied_message_is_equal_and_independent(installed: None) -> None:
    original = _message()
    fingerprint = original.fingerprint()
    copied = copy.deepcopy(original)
    assert copied is not original and copied.data == original.data
    assert copied.fingerprint() == fingerprint and copied.output_properties == original.output_properties
    copied.data["entities"][0]["extra"]["source"].append("regex")
    copied.output_properties.add("intent")
    assert original.data["entities"][0]["extra"]["source"] == ["lexicon"]
    assert original.output_properties == {"text"}
    assert original.fingerprint() == fingerprint


def _merged() -> list:
    first = TrainingData([Message(data={"text": "要M码的", "intent": "ask_size"})])
    second = TrainingData(
        [
            Message(data={"text": "要M码的", "intent": " ask_size "}),  # the same once stripped
            Message(data={"text": "在吗", "intent": "greet"}),
            Message(data={"text": "在吗", "intent": "greet"}),
        ]
    )
    return [m.data for m in first.merge(second).training_examples]


def test_merging_strips_annotations_and_drops_duplicates_as_rasa_does() -> None:
    rasas = _merged()
    warm_training.install()
    try:
        ours = _merged()
    finally:
        warm_training.uninstall()
    assert ours == rasas == [{"text": "要M码的", "intent": "ask_size"}, {"text": "在吗", "intent": "greet"}]
