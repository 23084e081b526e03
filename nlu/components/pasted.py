"""Rasa adapter: a pasted order id or waybill number alone asks where it is (nlu/text/pasted.py).

Placed last among the classifiers: whatever the model guessed for a message
with no words to go on, such a message is an order-status question.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

import nlu.text.pasted
from nlu.components._fingerprint import hash_paths
from nlu.text.pasted import pasted_number_intent

# A rule, not a guess: as sure as the model's surest answers.
RULE_CONFIDENCE = 1.0


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PastedNumberMarker(GraphComponent):
    """Turns the intent of a bare order id / waybill number into the order-status question."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PastedNumberMarker":
        return cls()

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # The rule lives in a pure module Rasa's cache does not look at.
        return hash_paths([nlu.text.pasted.__file__])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = pasted_number_intent(message.get(TEXT) or "", message.get(ENTITIES) or [])
            if intent is None:
                continue
            marked = {"name": intent, "confidence": RULE_CONFIDENCE}
            message.data[INTENT] = marked
            ranking = [r for r in message.data.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent]
            message.data[INTENT_RANKING_KEY] = [dict(marked), *ranking]
        return messages
