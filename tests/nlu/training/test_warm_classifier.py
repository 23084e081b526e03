"""A retrain's classifier starts from the previous weights, moved to where their features now are."""

from __future__ import annotations

import numpy as np
import pytest

from nlu.training import warm_classifier
from nlu.training.warm_classifier import starting_weights

OLD_NAMES = [("words", "包邮"), ("words", "起球"), ("chars", "码")]
OLD_CLASSES = np.array(["ask_pilling", "ask_size", "bargain"])
OLD_COEF = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
OLD_INTERCEPT = np.array([0.1, 0.2, 0.3])
PREVIOUS = (OLD_NAMES, OLD_CLASSES, OLD_COEF, OLD_INTERCEPT)


def test_weights_follow_their_feature_and_a_new_feature_starts_at_zero() -> None:
    # A new word sorts before the others: every old column moved.
    names = [("words", "便宜"), ("words", "包邮"), ("words", "起球"), ("chars", "码")]
    start = starting_weights(PREVIOUS, names, OLD_CLASSES.copy())
    assert start is not None
    coef, intercept, kept = start
    assert kept == 3
    assert coef.tolist() == [[0.0, 1.0, 2.0, 3.0], [0.0, 4.0, 5.0, 6.0], [0.0, 7.0, 8.0, 9.0]]
    assert intercept.tolist() == [0.1, 0.2, 0.3]
    intercept[0] = 99  # the previous fit is not changed through the start
    assert OLD_INTERCEPT[0] == 0.1


def test_the_same_token_from_another_featurizer_is_another_feature() -> None:
    names = [("chars", "包邮"), ("words", "码")]
    coef, _, kept = starting_weights(PREVIOUS, names, OLD_CLASSES)  # type: ignore[misc]
    assert kept == 0 and not coef.any()


def test_other_intents_start_from_zero() -> None:
    assert starting_weights(PREVIOUS, OLD_NAMES, np.array(["ask_pilling", "ask_size", "greet"])) is None
    assert starting_weights(PREVIOUS, OLD_NAMES, OLD_CLASSES[:2]) is None


def test_a_dense_vectors_columns_are_named_by_dimension(monkeypatch: pytest.MonkeyPatch) -> None:
    import scipy.sparse as sp
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    monkeypatch.setitem(warm_classifier._names_by_origin, "train_words", ["包邮", "起球"])
    messages = []
    for text in ("包邮吗", "起球吗"):
        message = Message({TEXT: text})
        message.add_features(Features(sp.coo_matrix([[1.0, 0.0]]), FEATURE_TYPE_SENTENCE, TEXT, "run_words"))
        message.add_features(Features(np.ones((1, 3)), FEATURE_TYPE_SENTENCE, TEXT, "run_use"))
        messages.append(message)
    assert warm_classifier.column_names(messages) == [
        ("run_words", "包邮"),
        ("run_words", "起球"),
        ("run_use", "dense:0"),
        ("run_use", "dense:1"),
        ("run_use", "dense:2"),
    ]
