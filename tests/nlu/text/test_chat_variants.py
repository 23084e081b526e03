"""Chat spellings and emoji read as the words a buyer means (nlu/text/chat_variants.py)."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from nlu.text.chat_variants import DATA_PATH, canonical_text, spelled_out, token_word


def test_same_length_spellings_keep_offsets() -> None:
    table = YAML(typ="safe").load(DATA_PATH.read_text(encoding="utf-8"))["same_length"]
    assert table, "no spellings"
    for spelling, word in table.items():
        text = f"亲{spelling}吗"
        assert canonical_text(text) == f"亲{word}吗"
        assert len(canonical_text(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("木有收到蟹蟹", "没有收到谢谢"), ("好滴 是滴", "好的 是的"), ("没有问题", "没有问题"), ("", "")],
)
def test_canonical_text(text: str, expected: str) -> None:
    assert canonical_text(text) == expected


@pytest.mark.parametrize(
    ("token", "word"),
    [
        ("👍", "好的"),
        ("👍\ufe0f", "好的"),  # emoji presentation selector
        ("👎", "不要"),
        ("❌", "不要"),
        ("😡", "生气"),
        ("haode", "好的"),
        ("\u200b", ""),
        ("\u200b\ufeff", ""),
        ("订单", "订单"),
        ("😀", "😀"),
    ],
)
def test_token_word(token: str, word: str) -> None:
    assert token_word(token) == word


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("👎", "不要"),
        ("😡😡 haode", "生气生气 好的"),
        ("ok👍\ufe0f\u200b", "ok好的"),
        ("木有收到", "没有收到"),
        ("shao hao", "shao 好"),  # a Latin spelling only as a whole word
        ("haodebuhao", "haodebuhao"),
    ],
)
def test_spelled_out(text: str, expected: str) -> None:
    assert spelled_out(text) == expected
