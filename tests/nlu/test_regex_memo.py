"""Regex features kept between trainings (nlu/regex_memo.py) are the ones Rasa computes."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu import regex_memo

PATTERNS = [
    {"name": "order_no", "pattern": r"\d{6,}"},
    {"name": "size", "pattern": r"[SMLX]{1,3}码"},
    {"name": "number", "pattern": r"\d+"},
    {"name": "never", "pattern": r"不会出现的词"},
]
TEXTS = ["订单 20261122001 到 哪 了", "xl码 有 吗 120 斤", "在 吗", "M码 和 L码 都 要", "在 吗"]


def _data(tmp_path: Path) -> TrainingData:
    messages = [Message(data={"text": text, "intent": "x"}) for text in TEXTS]
    messages.append(Message(data={"action_name": "action_listen"}))  # no text: no features
    data = TrainingData(messages)
    WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("tok"),
        ExecutionContext(GraphSchema({}), "test"),
    ).process_training_data(data)
    touching = Message(data={"text": "120斤", "intent": "x"})  # a token that only touches a match
    touching.set(TOKENS_NAMES["text"], [Token("120", 0, 3), Token("斤", 3, 4)])
    data.training_examples.append(touching)
    return data


def _featurizer(tmp_path: Path, patterns: list[dict]) -> RegexFeaturizer:
    return RegexFeaturizer(
        RegexFeaturizer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("regex"),
        ExecutionContext(GraphSchema({}), "test"),
        known_patterns=patterns,
    )


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


def _rasas(tmp_path: Path, patterns: list[dict]) -> list:
    regex_memo.uninstall()
    data = _data(tmp_path)
    _featurizer(tmp_path, patterns).process_training_data(data)
    regex_memo.install()
    return _outcome(data)


def test_first_and_kept_features_equal_rasas(tmp_path: Path, installed: None) -> None:
    rasas = _rasas(tmp_path, PATTERNS)
    assert any(flag for _, tokens in rasas for token in tokens for _, flag in token)
    for _ in range(2):  # the first time computes and keeps, the second only replays
        data = _data(tmp_path)
        _featurizer(tmp_path, PATTERNS).process_training_data(data)
        assert _outcome(data) == rasas


def test_other_patterns_are_not_served_from_what_was_kept(tmp_path: Path, installed: None) -> None:
    _featurizer(tmp_path, PATTERNS).process_training_data(_data(tmp_path))
    changed = [dict(p) for p in PATTERNS]
    changed[2]["pattern"] = r"\d{4}"  # "120" no longer matches
    data = _data(tmp_path)
    _featurizer(tmp_path, changed).process_training_data(data)
    assert _outcome(data) == _rasas(tmp_path, changed) != _rasas(tmp_path, PATTERNS)


def test_a_token_keeps_flags_set_before(tmp_path: Path, installed: None) -> None:
    _featurizer(tmp_path, PATTERNS).process_training_data(_data(tmp_path))
    data = _data(tmp_path)
    first = data.training_examples[0].get(TOKENS_NAMES["text"])[0]
    first.set("pattern", {"other": True})
    expected = copy.deepcopy(data)
    regex_memo.uninstall()
    _featurizer(tmp_path, PATTERNS).process_training_data(expected)
    regex_memo.install()
    _featurizer(tmp_path, PATTERNS).process_training_data(data)
    assert _outcome(data) == _outcome(expected)
    assert list(first.get("pattern"))[0] == "other"
