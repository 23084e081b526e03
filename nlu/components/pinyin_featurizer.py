"""Rasa adapter: count-vector features of the tokens' pinyin (nlu/pinyin.py).

The same `CountVectorsFeaturizer` (options, vocabulary, model files), fed each
token's syllables instead of its characters. Syllables of all tokens are joined
before n-grams are counted, so "tui huo" is one bigram whether jieba cut 退货 as
one word or 腿 / 货 as two.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

import nlu.pinyin
from nlu.components._fingerprint import hash_paths
from nlu.pinyin import syllables


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class PinyinCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Counts pinyin syllables and syllable n-grams of the message's tokens."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Syllables and syllable pairs: a pair is about one two-character word."""
        return {**CountVectorsFeaturizer.get_default_config(), "min_ngram": 1, "max_ngram": 2}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """pypinyin's version (its dictionary) and our conversion."""
        return f"{importlib.metadata.version('pypinyin')}:{hash_paths([nlu.pinyin.__file__])}"

    def _get_processed_message_tokens_by_attribute(
        self, message: Message, attribute: Text = TEXT
    ) -> List[Text]:
        tokens = super()._get_processed_message_tokens_by_attribute(message, attribute)
        if attribute != TEXT:
            return tokens
        return [syllables(token) for token in tokens]
