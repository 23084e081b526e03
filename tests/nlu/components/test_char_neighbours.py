"""The nearest phrasings' vote by characters (nlu/components/char_neighbours.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from nlu.components.char_neighbours import CharacterNeighbours

CLASSES = ["ask_size", "complain", "greet"]
PHRASINGS = {
    "ask_size": ["身高165穿什么码", "体重110斤选M码还是L码", "这条裤子尺码偏大吗"],
    "complain": ["质量太差了还掉色", "衣服起球严重很失望", "做工粗糙线头很多"],
    "greet": ["你好在吗", "亲在不在", "老板你好"],
}


def _phrasings() -> CharacterNeighbours:
    texts = [text for texts in PHRASINGS.values() for text in texts]
    intents = [intent for intent, texts in PHRASINGS.items() for _ in texts]
    return CharacterNeighbours.fit(texts, intents, CLASSES)


def test_a_message_written_like_one_intents_phrasing_gets_that_intents_vote() -> None:
    # One character dropped and one swapped: still most of the phrasing's n-grams.
    votes = _phrasings().probabilities(["身高165穿啥码", "衣服起球严重很失忘"], count=3, temperature=0.05)
    assert votes.shape == (2, 3)
    assert votes.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert [CLASSES[i] for i in votes.argmax(axis=1)] == ["ask_size", "complain"]
    assert votes[0, 0] > 0.9


def test_traditional_and_full_width_text_votes_as_its_simplified_form() -> None:
    phrasings = _phrasings()
    simplified = phrasings.probabilities(["体重110斤选M码"], count=3, temperature=0.05)
    traditional = phrasings.probabilities(["體重１１０斤選Ｍ碼"], count=3, temperature=0.05)
    assert traditional == pytest.approx(simplified)


def test_a_message_with_no_characters_gets_an_even_vote() -> None:
    # (Every text with a character shares the word-boundary space with every phrasing.)
    votes = _phrasings().probabilities(["", "   "], count=3, temperature=0.05)
    assert votes == pytest.approx(np.full((2, 3), 1 / 3))


def test_saved_and_loaded_phrasings_vote_the_same_without_pickle(tmp_path: Path) -> None:
    phrasings = _phrasings()
    path = tmp_path / "char.npz"
    phrasings.save(path)
    with zipfile.ZipFile(path) as stored:  # plain arrays only: np.load(allow_pickle=False) reads them
        assert all(name.endswith(".npy") for name in stored.namelist())
    loaded = CharacterNeighbours.load(path)
    messages = ["身高170穿多大码", "在吗老板", "掉色了", "什么"]
    assert loaded.classes == CLASSES
    assert np.array_equal(
        loaded.probabilities(messages, count=4, temperature=0.1),
        phrasings.probabilities(messages, count=4, temperature=0.1),
    )


def test_an_intent_outside_the_classes_is_refused() -> None:
    with pytest.raises(ValueError, match="thank"):
        CharacterNeighbours.fit(["你好", "谢谢"], ["greet", "thank"], CLASSES)


def test_the_rows_are_the_vectorizers_own_tf_idf() -> None:
    """`rows` skips sklearn's per-call checks; the numbers must stay sklearn's."""
    phrasings = _phrasings()
    messages = ["身高170穿多大码 M码", "有货吗有货吗有货吗老板", "掉色了!!", "", "ＸＬ碼", "完全没见过的字"]
    ours = phrasings.rows(messages)
    sklearns = phrasings.vectorizer.transform([m.replace("ＸＬ碼", "xl码") for m in messages])
    assert ours.shape == sklearns.shape
    assert ours.toarray() == pytest.approx(sklearns.toarray(), abs=1e-6)
