"""Training features in bulk (nlu/training/batched_features.py) are Rasa's, matrix for matrix."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.training import batched_features

EXAMPLES = [
    ("这件 起球 吗", "ask_pilling"),
    ("洗 了 会 缩水 吗 亲", "ask_shrinking"),
    ("我 的 快递 到 哪 了", "ask_order_status"),
    ("在 吗", "greet"),
    ("便宜 点 呗 老板", "bargain"),
    ("165 斤 穿 什么 码", "ask_size"),
    ("在 吗", "greet"),  # a duplicate
]


def _training_data() -> TrainingData:
    messages = [Message(data={"text": text, "intent": intent}) for text, intent in EXAMPLES]
    messages.append(Message(data={"action_name": "action_listen"}))  # no text: no text features
    return TrainingData(messages)


def _featurizer(storage: Any, context: Any, name: str, **config: Any) -> CountVectorsFeaturizer:
    full = {**CountVectorsFeaturizer.get_default_config(), **config}
    return CountVectorsFeaturizer.create(full, storage, Resource(name), context)


def _features(data: TrainingData) -> list:
    return [
        [(f.type, f.attribute, f.origin, f.features) for f in message.features]
        for message in data.training_examples
    ]


@pytest.mark.parametrize(
    "config",
    [{"analyzer": "word"}, {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}],
    ids=["word", "char_wb"],
)
def test_bulk_features_equal_rasas_per_message_features(
    config: dict, model_storage: Any, execution_context: Any, whitespace_tokenize: Any
) -> None:
    data = _training_data()
    whitespace_tokenize(data)
    featurizer = _featurizer(model_storage, execution_context, "cvf", **config)
    featurizer.train(data)

    rasas, ours = copy.deepcopy(data), copy.deepcopy(data)
    batched_features.uninstall()
    featurizer.process_training_data(rasas)
    batched_features.install()
    try:
        featurizer.process_training_data(ours)
    finally:
        batched_features.uninstall()

    expected, got = _features(rasas), _features(ours)
    assert sum(len(m) for m in expected) > 0
    assert [[f[:3] for f in m] for m in got] == [[f[:3] for f in m] for m in expected]
    for message_got, message_expected in zip(got, expected):
        for (*_, matrix), (*_, reference) in zip(message_got, message_expected):
            assert matrix.format == reference.format == "coo"
            assert matrix.shape == reference.shape and matrix.dtype == reference.dtype
            assert matrix.row.dtype == reference.row.dtype and matrix.col.dtype == reference.col.dtype
            assert matrix.row.tolist() == reference.row.tolist()
            assert matrix.col.tolist() == reference.col.tolist()
            assert matrix.data.tolist() == reference.data.tolist()


def test_an_untrained_featurizer_still_says_so(
    model_storage: Any, execution_context: Any, caplog: pytest.LogCaptureFixture
) -> None:
    featurizer = _featurizer(model_storage, execution_context, "untrained")
    featurizer.vectorizers = None  # as Rasa leaves it when there was nothing to learn
    batched_features.install()
    try:
        data = _training_data()
        featurizer.process_training_data(data)
    finally:
        batched_features.uninstall()
    assert "no trained CountVectorizer" in caplog.text
    assert all(not message.features for message in data.training_examples)
