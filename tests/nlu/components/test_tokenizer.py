"""ShopJiebaTokenizer: the four component tests plus its fingerprint."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.tokenizer import ShopJiebaTokenizer
from tests.nlu.conftest import DICTIONARY_PATH


def _tokenizer(model_storage: Any, execution_context: Any, **config: Any) -> ShopJiebaTokenizer:
    merged = {**ShopJiebaTokenizer.get_default_config(), "dictionary_path": str(DICTIONARY_PATH), **config}
    return ShopJiebaTokenizer.create(merged, model_storage, Resource("tokenizer"), execution_context)


def _tokens(tokenizer: ShopJiebaTokenizer, text: str) -> list[tuple]:
    return [(t.text, t.start, t.end) for t in tokenizer.tokenize(Message({TEXT: text}), TEXT)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hi 我162cm／１１５斤，0201紅色要M還是L？😀",
            [
                ("hi", 0, 2),
                ("我", 3, 4),
                ("162", 4, 7),
                ("cm", 7, 9),
                ("/", 9, 10),
                ("115", 10, 13),
                ("斤", 13, 14),
                (",", 14, 15),
                ("0201", 15, 19),
                ("红色", 19, 21),
                ("要", 21, 22),
                ("m", 22, 23),
                ("还是", 23, 25),
                ("l", 25, 26),
                ("?", 26, 27),
                ("😀", 27, 28),
            ],
        ),
        (
            "hello 我想要 紅色羊毛大衣 ＥＭＳ\u3000能发吗",
            [
                ("hello", 0, 5),
                ("我", 6, 7),
                ("想要", 7, 9),
                ("红色羊毛大衣", 10, 16),  # a catalogue name from the user dictionary
                ("ems", 17, 20),
                ("能发", 21, 23),
                ("吗", 23, 24),
            ],
        ),
        (
            "腰2尺2 穿27码",
            [("腰", 0, 1), ("2", 1, 2), ("尺", 2, 3), ("2", 3, 4), ("穿", 5, 6), ("27", 6, 8), ("码", 8, 9)],
        ),
        ("订单5021873340001", [("订单", 0, 2), ("5021873340001", 2, 15)]),
        ("   ", []),
        # Chat spellings and emoji read as words (nlu/text/chat_variants.yml), offsets kept;
        # the variation selector and the zero-width space are no tokens.
        (
            "木有收到 蟹蟹👍️\u200b",
            [("没有", 0, 2), ("收到", 2, 4), ("谢谢", 5, 7), ("好的", 7, 8)],
        ),
        ("haode 好滴😡😡", [("好的", 0, 5), ("好", 6, 7), ("的", 7, 8), ("生气", 8, 9), ("生气", 9, 10)]),
        ("\u200b\ufeff \u3000\u00a0\t", []),
    ],
)
def test_tokens_and_offsets(text: str, expected: list, model_storage: Any, execution_context: Any) -> None:
    tokens = _tokens(_tokenizer(model_storage, execution_context), text)
    assert tokens == expected
    assert all(t.strip() for t, _, _ in tokens)  # no whitespace tokens


def test_default_config() -> None:
    config = ShopJiebaTokenizer.get_default_config()
    assert config["dictionary_path"] == "data/lexicon/jieba"
    assert config["intent_tokenization_flag"] is False
    assert config["token_pattern"] is None


def test_persist_and_load_round_trip(model_storage: Any, execution_context: Any, tmp_path: Path) -> None:
    folder = tmp_path / "dict"
    shutil.copytree(DICTIONARY_PATH, folder)
    config = {**ShopJiebaTokenizer.get_default_config(), "dictionary_path": str(folder)}
    resource = Resource("tokenizer")
    trained = ShopJiebaTokenizer.create(config, model_storage, resource, execution_context)
    assert trained.train(TrainingData()) == resource
    shutil.rmtree(folder)  # the loaded model must not need the source folder
    with model_storage.read_from(resource) as directory:
        assert (Path(directory) / "userdict.txt").is_file()
    loaded = ShopJiebaTokenizer.load(config, model_storage, resource, execution_context)
    text = "紅色羊毛大衣M碼"
    assert _tokens(loaded, text) == _tokens(trained, text)


def test_fingerprint_follows_dictionary_content(tmp_path: Path) -> None:
    folder = tmp_path / "dict"
    shutil.copytree(DICTIONARY_PATH, folder)
    config = {"dictionary_path": str(folder)}
    before = ShopJiebaTokenizer.fingerprint_addon(config)
    assert before == ShopJiebaTokenizer.fingerprint_addon(config)
    with (folder / "userdict.txt").open("a", encoding="utf-8") as f:
        f.write("新词 100 n\n")
    assert ShopJiebaTokenizer.fingerprint_addon(config) != before


def test_smoke_train(smoke_model: Any) -> None:
    result = smoke_model("我身高１６２ｃｍ 穿什么码")
    assert result["intent"]["name"] in {"ask_size", "ask_order_status"}
    for text in ["   ", "😀", "", "a" * 5000]:
        assert "intent" in smoke_model(text)


def test_reloading_the_dictionary_does_not_change_tokens(model_storage: Any, execution_context: Any) -> None:
    # jieba inflates its frequency total on every load_userdict; Rasa loads on
    # create and again on load, so a reload must be a no-op.
    text = "成分表发我看看 红色羊毛大衣起球吗"
    first = _tokens(_tokenizer(model_storage, execution_context), text)
    for _ in range(3):
        ShopJiebaTokenizer._load_custom_dictionary(str(DICTIONARY_PATH))
    assert _tokens(_tokenizer(model_storage, execution_context), text) == first
    assert ("成分", 0, 2) in first
