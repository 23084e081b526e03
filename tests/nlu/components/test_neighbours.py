"""The nearest training phrasings' vote (nlu/components/neighbours.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlu.components.neighbours import NearestPhrasings

CLASSES = ["ask_size", "complain", "greet"]


def _phrasings() -> NearestPhrasings:
    # Three phrasings per intent around its own axis (as sentence vectors of one topic cluster).
    rng = np.random.default_rng(2)
    vectors, intents = [], []
    for axis, intent in enumerate(CLASSES):
        for _ in range(3):
            vector = np.zeros(6)
            vector[axis] = 1.0
            vectors.append(vector + 0.05 * rng.random(6))
            intents.append(intent)
    return NearestPhrasings.fit(np.array(vectors), intents, CLASSES)


def test_a_message_near_one_intents_phrasings_gets_that_intents_vote() -> None:
    near_complain = np.array([[0.1, 2.0, 0.0, 0.0, 0.0, 0.0]])  # length does not matter: cosine
    votes = _phrasings().probabilities(near_complain, count=3, temperature=0.05)
    assert votes.shape == (1, 3)
    assert votes.sum() == pytest.approx(1.0)
    assert CLASSES[int(votes.argmax())] == "complain"
    assert votes[0, 1] > 0.99


def test_one_much_closer_phrasing_outweighs_several_farther_ones() -> None:
    phrasings = NearestPhrasings.fit(
        np.array([[1.0, 0.0], [0.6, 0.8], [0.6, 0.8], [0.6, 0.8]]),
        ["greet", "complain", "complain", "complain"],
        CLASSES,
    )
    message = np.array([[0.99, 0.14]])  # cosine 0.99 with the greeting, 0.71 with the complaints
    sharp = phrasings.probabilities(message, count=4, temperature=0.05)
    flat = phrasings.probabilities(message, count=4, temperature=100.0)
    assert CLASSES[int(sharp.argmax())] == "greet"
    assert CLASSES[int(flat.argmax())] == "complain"  # nearly one vote each: the majority
    assert sharp[0, 1] + sharp[0, 2] == pytest.approx(1.0) and sharp[0, 0] == 0  # nobody voted ask_size


def test_more_neighbours_asked_than_phrasings_counts_them_all() -> None:
    votes = _phrasings().probabilities(np.ones((2, 6)), count=50, temperature=1.0)
    assert votes.shape == (2, 3)
    assert votes.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert (votes > 0).all()


def test_saved_and_loaded_phrasings_vote_the_same(tmp_path: Path) -> None:
    phrasings = _phrasings()
    phrasings.save(tmp_path / "n.npz")
    loaded = NearestPhrasings.load(tmp_path / "n.npz")
    messages = np.random.default_rng(4).random((5, 6))
    assert loaded.classes == CLASSES
    assert np.array_equal(
        loaded.probabilities(messages, count=4, temperature=0.1),
        phrasings.probabilities(messages, count=4, temperature=0.1),
    )


def test_an_intent_outside_the_classes_is_refused() -> None:
    with pytest.raises(ValueError, match="thank"):
        NearestPhrasings.fit(np.ones((2, 3)), ["greet", "thank"], CLASSES)
