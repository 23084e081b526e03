"""IntentActionPolicy: the project's rules as a table, contradictions refused, predictions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.exceptions import InvalidConfigException

from nlu.components.intent_policy import IntentActionPolicy, learn_mapping
from tests.nlu.conftest import ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    # Rasa merges the reply templates (a data path) into the domain.
    return Domain.load([str(ROOT / "domain.yml"), str(ROOT / "responses" / "templates")])


def trackers(domain: Domain, *sources: Any) -> list:
    reader = YAMLStoryReader(domain)
    steps = []
    for source in sources:
        steps += (
            reader.read_from_file(source) if isinstance(source, Path) else reader.read_from_string(source)
        )
    return TrainingDataGenerator(StoryGraph(steps), domain, augmentation_factor=0).generate()


def project_trackers(domain: Domain) -> list:
    files = sorted((ROOT / "data" / "rules").glob("*.yml")) + sorted(
        (ROOT / "data" / "stories").glob("*.yml")
    )
    return trackers(domain, *files)


def test_every_intent_of_the_project_has_its_action(domain: Domain) -> None:
    mapping = learn_mapping(project_trackers(domain))
    assert mapping["ask_size"] == "action_size_advice"
    assert mapping["request_human"] == "action_handoff"
    assert mapping["nlu_fallback"] == "action_fallback"
    assert set(domain.intents) - {"restart", "back", "session_start"} <= set(mapping)
    assert set(mapping.values()) <= set(domain.action_names_or_texts)


def test_a_story_contradicting_a_rule_is_refused(domain: Domain) -> None:
    story = """
version: "3.1"
stories:
  - story: size then something else
    steps:
      - intent: ask_size
      - action: action_stock
"""
    with pytest.raises(InvalidConfigException, match="ask_size"):
        learn_mapping(project_trackers(domain) + trackers(domain, story))


def test_a_rule_of_two_steps_is_refused(domain: Domain) -> None:
    rule = """
version: "3.1"
rules:
  - rule: two steps
    steps:
      - intent: greet
      - action: action_greet
      - intent: ask_size
      - action: action_size_advice
"""
    with pytest.raises(InvalidConfigException, match="one-step"):
        learn_mapping(trackers(domain, rule))


def policy(domain: Domain) -> IntentActionPolicy:
    return IntentActionPolicy(
        IntentActionPolicy.get_default_config(),
        None,  # type: ignore[arg-type]
        Resource("policy"),
        ExecutionContext(None),  # type: ignore[arg-type]
        mapping=learn_mapping(project_trackers(domain)),
    )


def said(intent: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker("t", [])
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("…", intent={"name": intent, "confidence": 0.9}))
    return tracker


@pytest.mark.parametrize(
    "intent, action",
    [
        ("ask_size", "action_size_advice"),
        ("complain", "action_complain"),
        ("nlu_fallback", "action_fallback"),
        ("restart", "action_restart"),  # Rasa's default intents keep their default actions
        ("no_such_intent", "action_fallback"),
    ],
)
def test_predicts_the_action_for_the_latest_intent(domain: Domain, intent: str, action: str) -> None:
    prediction = policy(domain).predict_action_probabilities(said(intent), domain)
    assert domain.action_names_or_texts[prediction.max_confidence_index] == action
    assert prediction.max_confidence == 1.0


def test_listens_after_the_action(domain: Domain) -> None:
    tracker = said("ask_size")
    tracker.update(ActionExecuted("action_size_advice"))
    prediction = policy(domain).predict_action_probabilities(tracker, domain)
    assert domain.action_names_or_texts[prediction.max_confidence_index] == "action_listen"
