"""Dialogue policy: each intent is answered by the one action its rule names.

Every rule in data/rules/ is one step (intent -> action), and the multi-turn
stories only chain such steps (follow-ups are handled inside the actions, from
slots). Rasa's RulePolicy answers the same, but rebuilds the states of the whole
conversation for every prediction, twice per turn; this policy looks the latest
intent up in a table: a constant cost whatever the conversation's length.
Training refuses data this table cannot express, so nothing is silently lost:
a rule or story step that answers one intent with two different actions, or a
rule longer than one step.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.core.policies.rule_policy import DEFAULT_ACTION_MAPPINGS
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file

logger = logging.getLogger(__name__)

MAPPING_FILE = "intent_actions.json"


def _steps(tracker: TrackerWithCachedStates) -> List[tuple]:
    """(intent, action) for every user turn answered by an action other than listening."""
    events = [e for e in tracker.applied_events() if isinstance(e, (UserUttered, ActionExecuted))]
    pairs = []
    for before, after in zip(events, events[1:]):
        if isinstance(before, UserUttered) and isinstance(after, ActionExecuted):
            intent = before.intent_name
            if intent and after.action_name and after.action_name != ACTION_LISTEN_NAME:
                pairs.append((intent, after.action_name))
    return pairs


def learn_mapping(trackers: List[TrackerWithCachedStates]) -> Dict[Text, Text]:
    """The intent -> action table the rules and stories describe; raises on contradictions."""
    mapping: Dict[Text, Text] = {}
    for tracker in trackers:
        steps = _steps(tracker)
        if tracker.is_rule_tracker and len(steps) > 1:
            raise InvalidConfigException(
                f"{IntentActionPolicy.__name__}: rule '{tracker.sender_id}' has {len(steps)} steps; "
                "only one-step rules (intent -> action) are supported."
            )
        for intent, action in steps:
            known = mapping.setdefault(intent, action)
            if known != action:
                raise InvalidConfigException(
                    f"{IntentActionPolicy.__name__}: intent '{intent}' is answered by both "
                    f"'{known}' and '{action}' ('{tracker.sender_id}')."
                )
    return mapping


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class IntentActionPolicy(Policy):
    """`fallback_action_name`: the answer to an intent no rule covers."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": RULE_POLICY_PRIORITY, "fallback_action_name": "action_fallback"}

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
        mapping: Optional[Dict[Text, Text]] = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.mapping: Dict[Text, Text] = dict(mapping or {})

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        self.mapping = learn_mapping(training_trackers)
        unknown = sorted({a for a in self.mapping.values() if a not in domain.action_names_or_texts})
        if unknown:
            raise InvalidConfigException(f"{type(self).__name__}: actions not in the domain: {unknown}")
        with self._model_storage.write_to(self._resource) as path:
            dump_obj_as_json_to_file(path / MAPPING_FILE, self.mapping)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "IntentActionPolicy":
        with model_storage.read_from(resource) as path:
            mapping = read_json_file(path / MAPPING_FILE)
        return cls(config, model_storage, resource, execution_context, mapping=mapping)

    def next_action(self, tracker: DialogueStateTracker) -> Text:
        """Listen after any action; after the buyer spoke, the action for the intent."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.latest_message is None:
            return ACTION_LISTEN_NAME
        intent = tracker.latest_message.intent.get("name")
        if not intent:
            return ACTION_LISTEN_NAME
        return (
            DEFAULT_ACTION_MAPPINGS.get(intent)
            or self.mapping.get(intent)
            or self.config["fallback_action_name"]
        )

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(self.next_action(tracker))] = 1.0
        return self._prediction(probabilities)
