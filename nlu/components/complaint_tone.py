"""How much a message sounds like a complaint, whatever it is about.

A binary logistic regression (the complaint intents against every other one) on
the TF-IDF of the normalised texts' character 1-3-grams. Beside the intent
regression it sees what that one cannot: there, the topic words of a complaint
about an invoice, a parcel or a return ("invoice", "tracking", "refund") pull it to
that topic's question, and the complaint's own words weigh little against them.
Here the topic words stand on both sides and weigh little; the words of
reproach, weariness and sarcasm carry the score. The gateway holds a draft whose
tone is above its intent's `max_tone` (responses/routing.yml; docs/nlu-evaluation.md,
"session 14").

Stored without pickle: the n-grams in column order, their idf, the coefficients
and the intercept in one `.npz`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.components.char_neighbours import prepared, tfidf_rows

VECTORIZER = {"analyzer": "char", "ngram_range": (1, 3), "sublinear_tf": True, "dtype": np.float32}


class ComplaintTone:
    """The fitted n-grams, their idf and weights: `probabilities` of texts."""

    def __init__(self, terms: Sequence[str], idf: np.ndarray, coef: np.ndarray, intercept: float) -> None:
        if not len(terms) == len(idf) == len(coef):
            raise ValueError("one idf and one weight per n-gram")
        self.vocabulary = {str(term): i for i, term in enumerate(terms)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        self._analyze = TfidfVectorizer(**VECTORIZER).build_analyzer()

    @classmethod
    def fit(cls, texts: Sequence[str], complaint: Sequence[bool], *, c: float) -> ComplaintTone:
        """From the training texts and whether each is a complaint; `c` is the regression's
        inverse regularisation. Both kinds weigh alike (complaints are the fewer)."""
        if len(set(map(bool, complaint))) < 2:
            raise ValueError("the complaint tone needs complaints and other messages to learn from")
        vectorizer = TfidfVectorizer(**VECTORIZER)
        X = vectorizer.fit_transform(prepared(texts))
        regression = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        regression.fit(X, np.asarray(complaint, dtype=bool))
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        return cls(terms, vectorizer.idf_, regression.coef_[0], regression.intercept_[0])

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One probability per text that it is a complaint."""
        rows = tfidf_rows(prepared(texts), self._analyze, self.vocabulary, self.idf)
        return expit(rows @ self.coef + self.intercept)

    def save(self, path: Path) -> None:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez(
            path,
            terms=np.array(terms, dtype=str),
            idf=self.idf,
            coef=self.coef,
            intercept=np.array([self.intercept]),
        )

    @classmethod
    def load(cls, path: Path) -> ComplaintTone:
        with np.load(path, allow_pickle=False) as stored:
            return cls(
                [str(t) for t in stored["terms"]], stored["idf"], stored["coef"], stored["intercept"][0]
            )
