"""Rasa adapter: marks elliptical follow-ups as `nlu_fallback` (see nlu/text/ellipsis.py).

Placed after the FallbackClassifier, so the dialogue's fallback action, which
knows the previous question, decides what "那108呢" asks.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

import nlu.text.ellipsis
from nlu.components._fingerprint import hash_paths
from nlu.text.ellipsis import is_elliptical


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EllipsisMarker(GraphComponent):
    """Turns the intent of an entity-only follow-up into `nlu_fallback`."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EllipsisMarker":
        return cls()

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # The rule lives in a pure module Rasa's cache does not look at.
        return hash_paths([nlu.text.ellipsis.__file__])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") == DEFAULT_NLU_FALLBACK_INTENT_NAME:
                continue
            if is_elliptical(message.get(TEXT) or "", message.get(ENTITIES) or []):
                marked = {
                    "name": DEFAULT_NLU_FALLBACK_INTENT_NAME,
                    "confidence": intent.get("confidence", 0.0),
                }
                message.data[INTENT] = marked
                message.data.setdefault(INTENT_RANKING_KEY, [])
                message.data[INTENT_RANKING_KEY].insert(0, dict(marked))
        return messages
