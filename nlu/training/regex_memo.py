"""Regex features of unchanged training messages, kept between trainings (training only).

Rasa's `RegexFeaturizer` matches every pattern against every training message
on every training: about a second of a retrain for the demo shop (19 patterns,
4,165 messages), nearly all of it for messages that did not change. A message's
regex features depend only on the patterns, its text and its tokens, so here
they are kept under exactly those: the two matrices (the same objects; nothing
changes a feature matrix after it is added) and the flags Rasa sets on each
token. A new or changed message, or any change to the patterns, is featurized
by Rasa as before; a test compares both ways.

Only for a process that trains (nlu/training/worker.py); in the warm worker the
kept features outlive a training.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any, Tuple

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.shared.nlu.constants import ACTION_TEXT, RESPONSE, TEXT

_ORIGINAL = RegexFeaturizer.process_training_data
_kept: "OrderedDict[Any, Tuple[Any, Any, list]]" = OrderedDict()
_CAP = 20_000  # messages x attributes; the demo shop's training data is 4,165 messages


def _patterns(featurizer: RegexFeaturizer) -> tuple:
    return featurizer.case_sensitive, tuple((p["name"], p["pattern"]) for p in featurizer.known_patterns)


# `functools.wraps`: Rasa checks the signature and type hints of a component's method.
@functools.wraps(_ORIGINAL)
def process_training_data(self, training_data):  # type: ignore[no-untyped-def]
    if not self.known_patterns:
        return _ORIGINAL(self, training_data)
    patterns = _patterns(self)
    names = [pattern["name"] for pattern in self.known_patterns]
    for example in training_data.training_examples:
        for attribute in (TEXT, RESPONSE, ACTION_TEXT):  # Rasa's order
            text = example.get(attribute)
            tokens = example.get(TOKENS_NAMES[attribute], [])
            if not text or not tokens:
                continue  # Rasa adds nothing for these
            key = (patterns, attribute, text, tuple((t.start, t.end, t.text) for t in tokens))
            kept = _kept.get(key)
            if kept is None:
                sequence, sentence = self._features_for_patterns(example, attribute)  # sets the flags
                flags = [{name: token.get("pattern")[name] for name in names} for token in tokens]
                _kept[key] = (sequence, sentence, flags)
                while len(_kept) > _CAP:
                    _kept.popitem(last=False)
            else:
                _kept.move_to_end(key)
                sequence, sentence, flags = kept
                for token, token_flags in zip(tokens, flags):
                    current = token.get("pattern", default={})
                    current.update(token_flags)
                    token.set("pattern", current)
            self.add_features_to_message(sequence, sentence, attribute, example)
    return training_data


def install() -> None:
    RegexFeaturizer.process_training_data = process_training_data  # type: ignore[method-assign]


def uninstall() -> None:
    RegexFeaturizer.process_training_data = _ORIGINAL  # type: ignore[method-assign]
    _kept.clear()
