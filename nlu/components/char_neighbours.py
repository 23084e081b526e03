"""The intents of the training phrasings nearest to a message by its characters.

The sentence vectors' vote (nlu/components/neighbours.py) finds phrasings that
mean the same; this one finds phrasings that are written alike: TF-IDF of the
character 1-3-grams of the normalised texts, so a buyer's typo, homophone or
terse fragment still shares most of its characters with our phrasing. Unlike the
classifier's own n-gram columns it compares the whole message with each
phrasing, not each n-gram with each intent's bulk.

Stored without pickle: the n-grams in column order, their idf, and the training
rows' TF-IDF matrix in one `.npz`; the vectorizer is rebuilt from them with
sklearn's public `vocabulary` and `idf_`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

import nlu.text.normalize
from nlu.components.neighbours import nearest_vote

VECTORIZER = {"analyzer": "char_wb", "ngram_range": (1, 3), "sublinear_tf": True, "dtype": np.float32}


def _vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(vocabulary=vocabulary, **VECTORIZER)


def tfidf_rows(
    texts: Sequence[str], analyze: Callable[[str], list[str]], vocabulary: dict[str, int], idf: np.ndarray
) -> sp.csr_matrix:
    """The texts' TF-IDF rows, equal to a sublinear, L2-normed vectorizer's `transform` (1 + log
    of each n-gram's count, times its idf, scaled to length 1), without its per-call checks and
    conversions: 0.1 ms for one message instead of 0.5 (a test compares the two)."""
    indptr, indices, values = [0], [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
    for text in texts:
        counts = Counter(vocabulary[g] for g in analyze(text) if g in vocabulary)
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[
            columns
        ]
        norm = np.sqrt(weights @ weights)
        indices.append(columns)
        values.append(weights / norm if norm > 0 else weights)
        indptr.append(indptr[-1] + len(columns))
    return sp.csr_matrix(
        (np.concatenate(values).astype(np.float32), np.concatenate(indices), np.array(indptr)),
        shape=(len(indptr) - 1, len(vocabulary)),
    )


def prepared(texts: Sequence[str]) -> list[str]:
    """The texts as the vote reads them: normalised (Simplified, half-width, lower-case)."""
    return [nlu.text.normalize.normalize(text or "") for text in texts]


class CharacterNeighbours:
    """The training phrasings' character TF-IDF rows and intents, and their vote."""

    def __init__(
        self, vectorizer: TfidfVectorizer, matrix: sp.csr_matrix, labels: np.ndarray, classes: Sequence[str]
    ) -> None:
        if matrix.shape[0] != len(labels):
            raise ValueError("one intent per training row")
        self.vectorizer = vectorizer
        # n-grams x phrasings, laid out once: a message's row times it is one sparse product.
        # The only copy kept (the phrasings' rows are its transpose, needed only to save).
        self._by_ngram = sp.csr_matrix(matrix, dtype=np.float32).T.tocsr()
        self._analyze = vectorizer.build_analyzer()
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.labels = np.asarray(labels, dtype=np.int64)
        self.classes = list(classes)

    @classmethod
    def fit(cls, texts: Sequence[str], intents: Sequence[str], classes: Sequence[str]) -> CharacterNeighbours:
        """From the training texts and their intents; `classes` fixes the column order."""
        index = {name: i for i, name in enumerate(classes)}
        unknown = sorted(set(intents) - set(index))
        if unknown:
            raise ValueError(f"intents missing from the classes: {', '.join(unknown)}")
        fitted = _vectorizer()
        matrix = fitted.fit_transform(prepared(texts))
        # Rebuilt as `load` rebuilds it, so the trained and the loaded model vote alike.
        vectorizer = _vectorizer(fitted.vocabulary_)
        vectorizer.idf_ = fitted.idf_
        return cls(vectorizer, matrix, np.array([index[name] for name in intents]), classes)

    def probabilities(self, texts: Sequence[str], *, count: int, temperature: float) -> np.ndarray:
        """One row per message, one column per class: the nearest phrasings' weighted vote.
        A message sharing no n-gram with any phrasing gets an even vote (no opinion)."""
        rows = self.rows(texts)
        similarity = (rows @ self._by_ngram).toarray()
        votes = nearest_vote(similarity, self.labels, len(self.classes), count=count, temperature=temperature)
        unknown = rows.getnnz(axis=1) == 0
        votes[unknown] = 1.0 / len(self.classes)
        return votes

    def rows(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The texts' TF-IDF rows (`tfidf_rows`)."""
        return tfidf_rows(prepared(texts), self._analyze, self.vectorizer.vocabulary_, self._idf)

    def save(self, path: Path) -> None:
        terms = sorted(self.vectorizer.vocabulary_, key=self.vectorizer.vocabulary_.__getitem__)
        matrix = self._by_ngram.T.tocsr()
        np.savez(
            path,
            terms=np.array(terms, dtype=str),
            idf=self.vectorizer.idf_,
            data=matrix.data,
            indices=matrix.indices,
            indptr=matrix.indptr,
            shape=np.array(matrix.shape),
            labels=self.labels,
            classes=np.array(self.classes),
        )

    @classmethod
    def load(cls, path: Path) -> CharacterNeighbours:
        with np.load(path, allow_pickle=False) as stored:
            vectorizer = _vectorizer({str(term): i for i, term in enumerate(stored["terms"])})
            vectorizer.idf_ = stored["idf"]
            matrix = sp.csr_matrix(
                (stored["data"], stored["indices"], stored["indptr"]), shape=tuple(stored["shape"])
            )
            return cls(vectorizer, matrix, stored["labels"], [str(c) for c in stored["classes"]])
