"""A retrain's intent classifier starts from the previous fit (training worker only).

After a trainer adds a few phrasings the classifier's optimum hardly moves, yet
Rasa's `LogisticRegressionClassifier` fits from zero every time: 18 Newton-CG
iterations on the demo shop's data. Started from the previous fit's weights it
needs 10 (about 2.7 s instead of 4.5 s). The featurizers' vocabularies change
between the two trainings, so a weight is carried over by what its column means
(the featurizer and the token, n-gram or pattern), not by its position; a new
column starts at zero. Nothing else changes: the same solver stops at the same
tolerance, so the answers agree with a fit from zero to about 2e-5 (a test
compares them). The problem is convex: a start that fits badly costs
iterations, never a different model. When the intents or the features' layout
differ, the fit starts from zero as before.

Only a long-lived training process keeps a previous fit: `make train` and a
worker's first training fit from zero.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.classifier import sentence_features

log = logging.getLogger(__name__)

ColumnName = Tuple[Text, Text]
_ORIGINAL = {
    "count_vectors_train": CountVectorsFeaturizer.train,
    "regex_train": RegexFeaturizer.train,
    "classifier_train": LogisticRegressionClassifier.train,
}
_names_by_origin: Dict[Text, List[Text]] = {}  # featurizer -> what each of its columns means
_previous: Dict[Any, Tuple[List[ColumnName], np.ndarray, np.ndarray, np.ndarray]] = {}


# `functools.wraps`: Rasa checks a component method's signature and type hints, which
# then come from Rasa's own method.
@functools.wraps(_ORIGINAL["count_vectors_train"])
def count_vectors_train(self, training_data, model=None):  # type: ignore[no-untyped-def]
    resource = _ORIGINAL["count_vectors_train"](self, training_data, model)
    vectorizer = (self.vectorizers or {}).get(TEXT)
    if vectorizer is not None and hasattr(vectorizer, "vocabulary_"):
        names = [""] * len(vectorizer.vocabulary_)
        for token, index in vectorizer.vocabulary_.items():
            names[index] = token
        _names_by_origin[self._identifier] = names
    return resource


@functools.wraps(_ORIGINAL["regex_train"])
def regex_train(self, training_data):  # type: ignore[no-untyped-def]
    resource = _ORIGINAL["regex_train"](self, training_data)
    _names_by_origin[self._identifier] = [pattern["name"] for pattern in self.known_patterns]
    return resource


def column_names(messages: List[Message]) -> Optional[List[ColumnName]]:
    """What each column of the classifier's matrix (nlu/components/classifier.py) means,
    or None when the messages' feature layouts differ or a featurizer's names are unknown."""
    layouts = set()
    for message in messages:
        layouts.add(tuple((f.origin, f.features.shape[1], f.is_sparse()) for f in sentence_features(message)))
        if len(layouts) > 1:
            return None
    if not layouts:
        return None
    names: List[ColumnName] = []
    for origin, width, sparse in next(iter(layouts)):
        if not sparse:
            # A pretrained dense vector's dimensions mean the same in every training.
            names.extend((origin, f"dense:{index}") for index in range(width))
            continue
        # A featurizer is trained as node `train_X`, and featurizes as `run_X` (Rasa's recipe).
        known = _names_by_origin.get(origin) or _names_by_origin.get(origin.replace("run_", "train_", 1))
        if known is None or len(known) != width:
            return None
        names.extend((origin, name) for name in known)
    return names


def starting_weights(
    previous: Tuple[List[ColumnName], np.ndarray, np.ndarray, np.ndarray],
    names: List[ColumnName],
    classes: np.ndarray,
) -> Optional[Tuple[np.ndarray, np.ndarray, int]]:
    """The previous fit's weights moved to the new columns (zero for a new one), its
    intercepts, and how many columns were carried over; None for other intents."""
    old_names, old_classes, old_coef, old_intercept = previous
    if len(old_classes) != len(classes) or not np.array_equal(old_classes, classes):
        return None
    position = {name: index for index, name in enumerate(old_names)}
    old_index = np.array([position.get(name, -1) for name in names], dtype=np.int64)
    kept = old_index >= 0
    coef = np.zeros((old_coef.shape[0], len(names)))
    coef[:, kept] = old_coef[:, old_index[kept]]
    return coef, old_intercept.copy(), int(kept.sum())


@functools.wraps(_ORIGINAL["classifier_train"])
def classifier_train(self, training_data):  # type: ignore[no-untyped-def]
    examples = [e for e in training_data.intent_examples if e.get("intent") and e.get("text")]
    names = column_names(examples)
    key = (self._resource.name, repr(sorted(self.config.items())))
    classifier = self.clf
    fit = classifier.fit

    def fit_from_previous(X: Any, y: Any) -> Any:
        classes = np.unique(y)
        previous = _previous.get(key)
        start = None
        if names is not None and previous is not None and X.shape[1] == len(names):
            start = starting_weights(previous, names, classes)
        if start is not None and classes.size > 2:  # one weight row per intent
            classifier.coef_, classifier.intercept_, kept = start
            classifier.warm_start = True
            how = f"starting from the previous fit ({kept} of {len(names)} features carried over)"
        elif previous is not None:
            how = "from zero (the intents or the features' layout changed)"
        else:
            how = "from zero"
        del classifier.fit  # before Rasa saves the model: the file must not hold this function
        try:
            fitted = fit(X, y)
        finally:
            classifier.warm_start = False
        log.info("classifier: %d solver iterations, %s", int(np.max(classifier.n_iter_)), how)
        return fitted

    classifier.fit = fit_from_previous
    try:
        resource = _ORIGINAL["classifier_train"](self, training_data)
    finally:
        classifier.__dict__.pop("fit", None)  # not fitted at all (no examples)
    if names is not None and hasattr(classifier, "coef_"):
        _previous[key] = (
            names,
            classifier.classes_.copy(),
            classifier.coef_.copy(),
            classifier.intercept_.copy(),
        )
    return resource


def install() -> None:
    CountVectorsFeaturizer.train = count_vectors_train  # type: ignore[method-assign]
    RegexFeaturizer.train = regex_train  # type: ignore[method-assign]
    LogisticRegressionClassifier.train = classifier_train  # type: ignore[method-assign]


def uninstall() -> None:
    CountVectorsFeaturizer.train = _ORIGINAL["count_vectors_train"]  # type: ignore[method-assign]
    RegexFeaturizer.train = _ORIGINAL["regex_train"]  # type: ignore[method-assign]
    LogisticRegressionClassifier.train = _ORIGINAL["classifier_train"]  # type: ignore[method-assign]
    _names_by_origin.clear()
    _previous.clear()
