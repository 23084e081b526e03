"""The intents of the training phrasings nearest to a message, as probabilities.

The logistic regression draws one boundary per intent over all features, so a
buyer's wording that sits close to one or two of our phrasings (by meaning: the
sentence vectors) but far from the bulk of its intent is pulled toward whatever
the n-gram columns say. The nearest phrasings' own intents are a second opinion
that generalises differently: on the real-buyer file, blending 30% of it into
the classifier's probabilities raised served macro-F1 on the check half from
.777 to .797 and accuracy from .792 to .821; 5-fold CV on our data .913 -> .919
(docs/nlu-evaluation.md, "Session 11").

Pure numpy, no Rasa: rows are unit sentence vectors, the similarity is their dot
product (cosine), and each of the `count` nearest votes for its intent with
weight exp(similarity / temperature), so a much closer phrasing counts for more.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


@functools.lru_cache(maxsize=1)
def _blas() -> Any:
    """The process's BLAS libraries (threadpoolctl), looked up once."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas")


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (an all-zero row stays zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def nearest_vote(
    similarity: np.ndarray, labels: np.ndarray, classes: int, *, count: int, temperature: float
) -> np.ndarray:
    """One row per message (`similarity`: its row against every training phrasing), one
    column per class: each of the `count` nearest phrasings votes for its class (`labels`)
    with weight exp(similarity / temperature); each row sums to 1."""
    count = min(count, similarity.shape[1])
    nearest = np.argpartition(-similarity, count - 1, axis=1)[:, :count]
    closeness = np.take_along_axis(similarity, nearest, axis=1)
    # Shifted by each row's best similarity: the same weights, no overflow at small temperatures.
    weights = np.exp((closeness - closeness.max(axis=1, keepdims=True)) / temperature)
    votes = np.zeros((len(similarity), classes))
    rows = np.repeat(np.arange(len(similarity)), count)
    np.add.at(votes, (rows, labels[nearest].ravel()), weights.ravel())
    return votes / votes.sum(axis=1, keepdims=True)


class NearestPhrasings:
    """The training phrasings' unit vectors and intents, and their vote for new messages."""

    def __init__(self, unit_vectors: np.ndarray, labels: np.ndarray, classes: Sequence[str]) -> None:
        if len(unit_vectors) != len(labels):
            raise ValueError("one intent per training vector")
        self.vectors = np.asarray(unit_vectors, dtype=np.float32)
        self.labels = np.asarray(labels, dtype=np.int64)
        self.classes = list(classes)

    @classmethod
    def fit(cls, vectors: np.ndarray, intents: Sequence[str], classes: Sequence[str]) -> NearestPhrasings:
        """From the training vectors and their intents; `classes` fixes the column order."""
        index = {name: i for i, name in enumerate(classes)}
        unknown = sorted(set(intents) - set(index))
        if unknown:
            raise ValueError(f"intents missing from the classes: {', '.join(unknown)}")
        # Kept at half precision (what the model file stores: 5.8 MB instead of 11.6 for
        # 5,700 phrasings), so the trained and the loaded model vote alike.
        stored = unit_rows(vectors).astype(np.float16).astype(np.float32)
        return cls(stored, np.array([index[name] for name in intents]), classes)

    def probabilities(self, vectors: np.ndarray, *, count: int, temperature: float) -> np.ndarray:
        """One row per message, one column per class: the nearest phrasings' weighted vote."""
        # One thread: a message's product gains nothing from BLAS's threads, and in the Rasa
        # server waking them cost 3-4 ms a parse and 40% of its throughput at 32 buyers (bench).
        with _blas().limit(limits=1):
            similarity = unit_rows(vectors) @ self.vectors.T
        return nearest_vote(similarity, self.labels, len(self.classes), count=count, temperature=temperature)

    def save(self, path: Path) -> None:
        np.savez(
            path, vectors=self.vectors.astype(np.float16), labels=self.labels, classes=np.array(self.classes)
        )

    @classmethod
    def load(cls, path: Path) -> NearestPhrasings:
        with np.load(path, allow_pickle=False) as stored:
            return cls(stored["vectors"], stored["labels"], [str(c) for c in stored["classes"]])
