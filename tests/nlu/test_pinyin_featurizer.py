"""PinyinCountVectorsFeaturizer: the four component tests, and homophones meeting."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.pinyin_featurizer import PinyinCountVectorsFeaturizer
from nlu.components.tokenizer import ShopJiebaTokenizer
from nlu.pinyin import syllables
from tests.nlu.conftest import DICTIONARY_PATH


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("退货", "tui huo"),
        ("腿货", "tui huo"),
        ("蟹蟹", "xie xie"),
        ("ok", "ok"),
        ("162", "162"),
        ("😀", "😀"),
    ],
)
def test_syllables(token: str, expected: str) -> None:
    assert syllables(token) == expected


def _tokenized(texts: list[str], model_storage: Any, execution_context: Any) -> TrainingData:
    tokenizer = ShopJiebaTokenizer.create(
        {**ShopJiebaTokenizer.get_default_config(), "dictionary_path": str(DICTIONARY_PATH)},
        model_storage,
        Resource("tokenizer"),
        execution_context,
    )
    data = TrainingData([Message({TEXT: t, "intent": "x"}) for t in texts])
    tokenizer.process_training_data(data)
    return data


def _train(model_storage: Any, execution_context: Any, texts: list[str]) -> PinyinCountVectorsFeaturizer:
    featurizer = PinyinCountVectorsFeaturizer.create(
        PinyinCountVectorsFeaturizer.get_default_config(),
        model_storage,
        Resource("pinyin"),
        execution_context,
    )
    featurizer.train(_tokenized(texts, model_storage, execution_context))
    return featurizer


def _sentence(
    featurizer: PinyinCountVectorsFeaturizer, text: str, model_storage: Any, execution_context: Any
) -> Any:
    data = _tokenized([text], model_storage, execution_context)
    featurizer.process(data.training_examples)
    return data.training_examples[0].get_sparse_features(TEXT)[1].features


def test_features_of_mixed_input_and_homophones(model_storage: Any, execution_context: Any) -> None:
    featurizer = _train(model_storage, execution_context, ["我要退货", "谢谢亲", "Hi 这件ＸＬ有吗？😀 162cm"])
    vocabulary = featurizer.vectorizers[TEXT].vocabulary_
    assert {"tui", "huo", "tui huo", "xie xie", "hi", "xl", "__number__", "cm"} <= set(vocabulary)
    # A homophone typo gets the keyword's features, whatever jieba cut.
    typo = _sentence(featurizer, "腿货", model_storage, execution_context)
    right = _sentence(featurizer, "退货", model_storage, execution_context)
    assert (typo != right).nnz == 0 and typo.nnz == 3
    # Emoji-only and mixed-script messages featurize without error.
    assert _sentence(featurizer, "😀😀", model_storage, execution_context).nnz == 0
    assert _sentence(featurizer, "Ｈｉ 蟹蟹", model_storage, execution_context).nnz > 0


def test_default_config() -> None:
    config = PinyinCountVectorsFeaturizer.get_default_config()
    assert (config["analyzer"], config["min_ngram"], config["max_ngram"]) == ("word", 1, 2)


def test_persist_and_load(model_storage: Any, execution_context: Any) -> None:
    featurizer = _train(model_storage, execution_context, ["我要退货", "谢谢亲"])
    before = _sentence(featurizer, "腿货 蟹蟹", model_storage, execution_context)
    loaded = PinyinCountVectorsFeaturizer.load(
        PinyinCountVectorsFeaturizer.get_default_config(),
        model_storage,
        Resource("pinyin"),
        execution_context,
    )
    after = _sentence(loaded, "腿货 蟹蟹", model_storage, execution_context)
    assert before.shape == after.shape and (before != after).nnz == 0 and before.nnz > 0


def test_smoke_train(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    config = tmp_path / "config.yml"
    config.write_text(
        "recipe: default.v1\nlanguage: zh\nassistant_id: smoke\npipeline:\n"
        f"- name: nlu.components.tokenizer.ShopJiebaTokenizer\n  dictionary_path: {DICTIONARY_PATH}\n"
        "- name: nlu.components.pinyin_featurizer.PinyinCountVectorsFeaturizer\n"
        "- name: nlu.components.classifier.ShopLogisticRegressionClassifier\n",
        encoding="utf-8",
    )
    data = tmp_path / "nlu.yml"
    data.write_text(
        'version: "3.1"\nnlu:\n- intent: request_return\n  examples: |\n    - 我要退货\n    - 退货怎么弄\n'
        "- intent: thank\n  examples: |\n    - 谢谢\n    - 谢谢亲\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))  # keep .rasa/ out of the repo
    model = train_nlu(str(config), str(data), str(tmp_path / "models"))
    assert model
    agent = Agent.load(model)
    assert asyncio.run(agent.parse_message("腿货"))["intent"]["name"] == "request_return"
