"""Rasa's logistic regression intent classifier, with its feature matrix built in one step.

Rasa's `LogisticRegressionClassifier._create_X` asks every message for its
combined sentence features, which stacks each featurizer's 1-row matrix with
scipy, then stacks the messages' rows: many small sparse matrices per message.
That was a quarter of a parse (4.7 -> 3.6 ms) and several seconds of each
training. Here the same matrix is assembled from the features' coordinates
in one pass; a test compares it with Rasa's, entry for entry.
"""

from __future__ import annotations

from typing import List

import numpy as np
import scipy.sparse as sp
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message


def sentence_features(message: Message) -> List[Features]:
    """A message's sentence features in the order of the classifier's columns: the sparse
    ones in the order Rasa combines them (the order they were added), then the dense ones."""
    sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    return sorted(sentence, key=lambda f: not f.is_sparse())  # stable: sparse first


def sentence_matrix(messages: List[Message]) -> sp.csr_matrix:
    """One row per message: its sentence features side by side (`sentence_features`)."""
    rows, cols, values = [], [], []
    width = 0
    for index, message in enumerate(messages):
        offset = 0
        for feature in sentence_features(message):
            block = feature.features  # Rasa's sparse features are COO already; skip re-wrapping
            if not sp.isspmatrix_coo(block):
                block = sp.coo_matrix(block)
            rows.append(np.full(block.nnz, index))
            cols.append(block.col + offset)
            values.append(block.data)
            offset += block.shape[1]
        width = max(width, offset)
    if not values:
        return sp.csr_matrix((len(messages), width))
    matrix = sp.coo_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(messages), width),
    )
    return matrix.tocsr()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ShopLogisticRegressionClassifier(LogisticRegressionClassifier):
    """`LogisticRegressionClassifier` (same options, same model files), faster features."""

    def _create_X(self, messages: List[Message]) -> sp.csr_matrix:
        return sentence_matrix(messages)
