"""The warm worker asks the sentence encoder only for texts it has not encoded before."""

from __future__ import annotations

import numpy as np
import pytest

import nlu.components.sentence_vectors as sentence_vectors
from nlu.training import vector_memo


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """A stand-in encoder (a vector per text, from its characters), recording what it is asked."""
    asked: list[list[str]] = []

    def encode(prepared: list[str]) -> np.ndarray:
        asked.append(list(prepared))
        out = np.zeros((len(prepared), 512), dtype=np.float32)
        for row, text in enumerate(prepared):
            for position, char in enumerate(text):
                out[row, (ord(char) + position) % 512] += 1.0
        return out

    monkeypatch.setattr(sentence_vectors, "encode", encode)
    vector_memo.install()
    yield asked
    vector_memo.uninstall()


def test_a_retrain_encodes_only_the_new_texts_and_gets_the_same_vectors(encoded: list[list[str]]) -> None:
    first = ["这件有l码吗", "退货怎么弄", "你好"]  # as prepared: normalised
    before = sentence_vectors.sentence_vectors(first, 5.0)
    again = sentence_vectors.sentence_vectors(["你好", "新加的一句", "這件有L碼嗎", "新加的一句"], 5.0)
    assert encoded == [first, ["新加的一句"]]  # once each, however often or in which script it comes
    assert np.array_equal(again[0], before[2]) and np.array_equal(again[2], before[0])
    assert np.array_equal(again[1], again[3]) and again[1].any()


def test_an_empty_text_is_still_a_zero_vector_and_never_encoded(encoded: list[list[str]]) -> None:
    vectors = sentence_vectors.sentence_vectors(["", "  ", "在吗"], 5.0)
    assert encoded == [["在吗"]]
    assert not vectors[0].any() and not vectors[1].any() and vectors[2].any()


def test_uninstall_gives_the_encoder_back(encoded: list[list[str]]) -> None:
    vector_memo.uninstall()
    sentence_vectors.sentence_vectors(["你好"], 1.0)
    sentence_vectors.sentence_vectors(["你好"], 1.0)
    assert encoded == [["你好"], ["你好"]]
