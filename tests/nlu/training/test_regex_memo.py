"""Regex features kept between trainings (nlu/training/regex_memo.py) are the ones Rasa computes."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.training import regex_memo

PATTERNS = [
    {"name": "order_no", "pattern": r"\d{6,}"},
    {"name": "size", "pattern": r"[SMLX]{1,3}码"},
    {"name": "number", "pattern": r"\d+"},
    {"name": "never", "pattern": r"不会出现的词"},
]
TEXTS = ["订单 20261122001 到 哪 了", "xl码 有 吗 120 斤", "在 吗", "M码 和 L码 都 要", "在 吗"]


class Build:
    """Tokenized training data and regex featurizers, as a test needs them fresh."""

    def __init__(self, tokenize: Any, storage: Any, context: Any) -> None:
        self._tokenize, self._storage, self._context = tokenize, storage, context

    def data(self) -> TrainingData:
        messages = [Message(data={"text": text, "intent": "x"}) for text in TEXTS]
        messages.append(Message(data={"action_name": "action_listen"}))  # no text: no features
        data = TrainingData(messages)
        self._tokenize(data)
        touching = Message(data={"text": "120斤", "intent": "x"})  # a token that only touches a match
        touching.set(TOKENS_NAMES["text"], [Token("120", 0, 3), Token("斤", 3, 4)])
        data.training_examples.append(touching)
        return data

    def featurizer(self, patterns: list[dict]) -> RegexFeaturizer:
        config = RegexFeaturizer.get_default_config()
        return RegexFeaturizer(
            config, self._storage, Resource("regex"), self._context, known_patterns=patterns
        )


@pytest.fixture
def build(whitespace_tokenize: Any, model_storage: Any, execution_context: Any) -> Build:
    return Build(whitespace_tokenize, model_storage, execution_context)


def _outcome(data: TrainingData) -> list:
    """Every message's features and every token's flags, comparable."""
    out = []
    for message in data.training_examples:
        features = [
            (f.type, f.attribute, f.origin, f.features.format, f.features.has_canonical_format)
            + (f.features.dtype.str, f.features.toarray().tolist())
            for f in message.features
        ]
        tokens = message.get(TOKENS_NAMES["text"]) or []
        out.append((features, [list((t.get("pattern") or {}).items()) for t in tokens]))
    return out


@pytest.fixture
def installed() -> Iterator[None]:
    regex_memo.install()
    try:
        yield
    finally:
        regex_memo.uninstall()


def _rasas(build: Build, patterns: list[dict]) -> list:
    regex_memo.uninstall()
    data = build.data()
    build.featurizer(patterns).process_training_data(data)
    regex_memo.install()
    return _outcome(data)


def test_first_and_kept_features_equal_rasas(build: Build, installed: None) -> None:
    rasas = _rasas(build, PATTERNS)
    assert any(flag for _, tokens in rasas for token in tokens for _, flag in token)
    for _ in range(2):  # the first time computes and keeps, the second only replays
        data = build.data()
        build.featurizer(PATTERNS).process_training_data(data)
        assert _outcome(data) == rasas


def test_other_patterns_are_not_served_from_what_was_kept(build: Build, installed: None) -> None:
    build.featurizer(PATTERNS).process_training_data(build.data())
    changed = [dict(p) for p in PATTERNS]
    changed[2]["pattern"] = r"\d{4}"  # "120" no longer matches
    data = build.data()
    build.featurizer(changed).process_training_data(data)
    assert _outcome(data) == _rasas(build, changed) != _rasas(build, PATTERNS)


def test_a_token_keeps_flags_set_before(build: Build, installed: None) -> None:
    build.featurizer(PATTERNS).process_training_data(build.data())
    data = build.data()
    first = data.training_examples[0].get(TOKENS_NAMES["text"])[0]
    first.set("pattern", {"other": True})
    expected = copy.deepcopy(data)
    regex_memo.uninstall()
    build.featurizer(PATTERNS).process_training_data(expected)
    regex_memo.install()
    build.featurizer(PATTERNS).process_training_data(data)
    assert _outcome(data) == _outcome(expected)
    assert list(first.get("pattern"))[0] == "other"
