"""Rasa's logistic regression intent classifier, with its feature matrix built in one step.

Rasa's `LogisticRegressionClassifier._create_X` asks every message for its
combined sentence features, which stacks each featurizer's 1-row matrix with
scipy, then stacks the messages' rows: many small sparse matrices per message.
That was a quarter of a parse (4.7 -> 3.6 ms) and several seconds of each
training. Here the same matrix is assembled from the features' coordinates
in one pass; a test compares it with Rasa's, entry for entry.

A message that carries no text (whitespace, invisible characters, punctuation
only) or none the model has seen would get an all-zero row: sklearn raises on a
batch of such rows ("0 features"), and a single one would be classified by the
intercepts alone (a bare "？" came out as affirm 0.49). Such a message is
`out_of_scope` with confidence 0 instead, so it goes to an agent.

`temperature` softens the probabilities (softmax of the decision scores divided
by it; 1 = Rasa's). It never changes the top intent, only how confident the
answers are: at 1 most answers sit at 0.99+, where a per-intent auto-send
threshold cannot tell a rare confident mistake from the many right ones
(docs/nlu-evaluation.md, "Session 8").

`intent_weights` (intent -> factor, default none) multiplies an intent's
probability before the probabilities are normalised again: a prior, so the
other intents keep their order and ratios. out_of_scope is the catch-all, trained
on hundreds of varied off-topic lines, and real buyers' terse requests fell into
it (precision 43-54% on real messages); a weight of 0.5 gives its borderline
messages to the next intent (docs/nlu-evaluation.md, "Session 9").

`neighbours` (`count`, `temperature`, `weight`; default off) blends the vote of the
training phrasings nearest to the message (cosine of its sentence vectors,
nlu/components/neighbours.py) into those probabilities: `weight` of it, the rest
the regression's. The training phrasings' vectors are stored with the model.
`char_count`, `char_temperature` and `char_weight` (default 0: off) do the same
for the phrasings nearest by their characters (TF-IDF of character n-grams,
nlu/components/char_neighbours.py): the regression keeps 1 - weight - char_weight.

`grievance_intents` (default none) adds `grievance` to the parse: the regression's
probability on those intents together (a complaint, a return, a request for a
person) other than the one the message is read as, before the votes are blended
in: what a reply to the top intent would leave unanswered (a return request read
as one is not its own doubt; the complaint share in it is). The votes are near one-hot (a clean
invoice question with one invoice complaint among its nearest phrasings gets a
lump of it), and the ranking Rasa hands on is truncated; the regression's share
over every intent tells a question from a grievance better: the gateway holds a
draft above an intent's `max_grievance` by it (docs/nlu-evaluation.md, "Session 13").

`complaint_tone` (default off: `{}`) adds `tone` to the parse: how much the message
sounds like one of its `intents` (complain), whatever it is about, from a binary
regression of its own (nlu/components/complaint_tone.py; `c`, default 3). The
gateway holds a draft above an intent's `max_tone` by it (docs/nlu-evaluation.md,
"session 14").
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List, Text, Tuple

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.special import softmax

from nlu.components.char_neighbours import CharacterNeighbours
from nlu.components.complaint_tone import ComplaintTone
from nlu.components.dense_tail import DenseTailMatrix
from nlu.components.neighbours import NearestPhrasings

logger = logging.getLogger(__name__)

NEIGHBOURS_FILE = "neighbours.npz"
CHAR_NEIGHBOURS_FILE = "char_neighbours.npz"
TONE_FILE = "complaint_tone.npz"
NEIGHBOUR_SETTINGS = ("count", "temperature", "weight", "char_count", "char_temperature", "char_weight")
# The parse key of the regression's share on `grievance_intents` (desk/routing.py reads it).
GRIEVANCE = "grievance"
# The parse key of the complaint tone (`complaint_tone`; desk/routing.py reads it).
TONE = "tone"
TONE_SETTINGS = ("intents", "c")


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


def dense_width(messages: List[Message]) -> int:
    """How many of the matrix's last columns hold dense features (sentence vectors)."""
    return max(
        (sum(f.features.shape[1] for f in sentence_features(m) if not f.is_sparse()) for m in messages),
        default=0,
    )


NO_TEXT_INTENT = {"name": "out_of_scope", "confidence": 0.0}


def carries_text(message: Message) -> bool:
    """True when a token has a letter, digit or CJK character and some sparse sentence
    feature the model knows is set (dense sentence vectors exist for any text)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if not any(any(c.isalnum() for c in token.text) for token in tokens):
        return False
    return any(f.is_sparse() and f.features.nnz for f in sentence_features(message))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ShopLogisticRegressionClassifier(LogisticRegressionClassifier):
    """`LogisticRegressionClassifier` (same options, same model files), faster features,
    a `temperature` and `intent_weights` for its probabilities, and optionally the
    nearest training phrasings' vote blended in (`neighbours`)."""

    _neighbours: NearestPhrasings | None = None
    _char_neighbours: CharacterNeighbours | None = None
    _tone: ComplaintTone | None = None

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Rasa's options, `temperature` (1: Rasa's probabilities), no weights, no neighbours."""
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "temperature": 1.0,
            "intent_weights": {},
            "neighbours": {},
            "grievance_intents": [],
            "complaint_tone": {},
        }

    @functools.cached_property
    def _tone_settings(self) -> Dict[str, Any] | None:
        """`complaint_tone`'s `intents` (the complaint ones) and `c`, or None when off."""
        settings = self.config.get("complaint_tone") or {}
        unknown = sorted(set(settings) - set(TONE_SETTINGS))
        if unknown:
            raise ValueError(f"complaint_tone takes {', '.join(TONE_SETTINGS)}, not: {', '.join(unknown)}")
        if not settings.get("intents"):
            return None
        c = float(settings.get("c", 3.0))
        if not c > 0:
            raise ValueError("complaint_tone needs c > 0")
        return {"intents": set(settings["intents"]), "c": c}

    @functools.cached_property
    def _neighbour_settings(self) -> Dict[str, float] | None:
        """The neighbours' votes: `count`, `temperature` and `weight` of the sentence vectors'
        one and the same with `char_` of the characters' one (a weight of 0 turns a vote off),
        or None when both are off (read once: the config does not change after the component
        is built)."""
        settings = self.config.get("neighbours") or {}
        unknown = sorted(set(settings) - set(NEIGHBOUR_SETTINGS))
        if unknown:
            raise ValueError(f"neighbours takes {', '.join(NEIGHBOUR_SETTINGS)}, not: {', '.join(unknown)}")
        read = {
            "count": int(settings.get("count", 10)),
            "temperature": float(settings.get("temperature", 0.05)),
            "weight": float(settings.get("weight", 0)),
            "char_count": int(settings.get("char_count", 10)),
            "char_temperature": float(settings.get("char_temperature", 0.05)),
            "char_weight": float(settings.get("char_weight", 0)),
        }
        if read["weight"] == 0 and read["char_weight"] == 0:
            return None
        if (
            min(read["count"], read["char_count"]) < 1
            or min(read["temperature"], read["char_temperature"]) <= 0
            or min(read["weight"], read["char_weight"]) < 0
            or read["weight"] + read["char_weight"] > 1
        ):
            raise ValueError(
                "neighbours needs count >= 1, temperature > 0 (char_ ones too) and a weight and "
                "char_weight of 0 or more that add up to at most 1"
            )
        return read

    def train(self, training_data: TrainingData) -> Resource:
        """Rasa's training, after checking `intent_weights` and `grievance_intents` against the data's intents."""
        weights = self.config.get("intent_weights") or {}
        unknown = sorted(set(weights) - set(training_data.intents))
        if unknown:
            raise ValueError(
                f"intent_weights names intents the training data does not have: {', '.join(unknown)}"
            )
        # A small training set (a test's, a new shop's first one) may lack a grievance intent:
        # it then counts for nothing, and the log names it in case it is a typo.
        missing = sorted(set(self.config.get("grievance_intents") or []) - set(training_data.intents))
        if missing:
            logger.warning(
                "grievance_intents not in the training data (counted as 0): %s", ", ".join(missing)
            )
        not_positive = sorted(name for name, factor in weights.items() if not float(factor) > 0)
        if not_positive:
            raise ValueError(
                f"intent_weights must be above 0 (0 makes an intent unreachable): {', '.join(not_positive)}"
            )
        self._neighbour_settings  # noqa: B018 (read: a wrong setting stops the training before the fit)
        tone = self._tone_settings
        unknown = sorted(tone["intents"] - set(training_data.intents)) if tone is not None else []
        if unknown:
            raise ValueError(
                f"complaint_tone names intents the training data does not have: {', '.join(unknown)}"
            )
        return super().train(training_data)

    def _create_X(self, messages: List[Message]) -> sp.csr_matrix:
        return sentence_matrix(messages)

    def _create_training_matrix(self, training_data: TrainingData) -> Tuple[sp.csr_matrix, List[str]]:
        """Rasa's (X, y), with X's sentence vectors multiplied as a dense block in the fit
        (nlu/components/dense_tail.py: the same model, about a third of the fit's time)."""
        X, y = super()._create_training_matrix(training_data)
        width = dense_width(training_data.intent_examples)
        self._neighbours = self._char_neighbours = self._tone = None
        # The rows of X, as Rasa's _create_training_matrix chose them.
        texts = [e.get(TEXT) for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        settings = self._neighbour_settings
        if settings is not None and X.shape[0]:
            if settings["weight"] > 0:
                if not width:
                    raise ValueError(
                        "neighbours needs sentence vectors: put a dense featurizer before the classifier"
                    )
                self._neighbours = NearestPhrasings.fit(X[:, -width:].toarray(), y, sorted(set(y)))
            if settings["char_weight"] > 0:
                self._char_neighbours = CharacterNeighbours.fit(texts, y, sorted(set(y)))
        tone = self._tone_settings
        if tone is not None and X.shape[0]:
            self._tone = ComplaintTone.fit(texts, [intent in tone["intents"] for intent in y], c=tone["c"])
        return DenseTailMatrix.of(X, width), y

    def persist(self) -> None:
        """Rasa's model file, and the training phrasings' vectors (sentence, characters) for
        the neighbours' votes that are on."""
        super().persist()
        if self._neighbours is not None or self._char_neighbours is not None or self._tone is not None:
            with self._model_storage.write_to(self._resource) as model_dir:
                if self._neighbours is not None:
                    self._neighbours.save(model_dir / NEIGHBOURS_FILE)
                if self._char_neighbours is not None:
                    self._char_neighbours.save(model_dir / CHAR_NEIGHBOURS_FILE)
                if self._tone is not None:
                    self._tone.save(model_dir / TONE_FILE)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ShopLogisticRegressionClassifier":
        """Rasa's loading, plus the training phrasings' vectors if the model has them."""
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as model_dir:
                stored = model_dir / NEIGHBOURS_FILE
                if stored.exists():
                    component._neighbours = NearestPhrasings.load(stored)
                stored = model_dir / CHAR_NEIGHBOURS_FILE
                if stored.exists():
                    component._char_neighbours = CharacterNeighbours.load(stored)
                stored = model_dir / TONE_FILE
                if stored.exists():
                    component._tone = ComplaintTone.load(stored)
        except ValueError:  # no files at all: Rasa's load already returned an untrained component
            return component
        classes = list(getattr(component.clf, "classes_", []))
        for stored_votes in (component._neighbours, component._char_neighbours):
            if stored_votes is not None and list(stored_votes.classes) != classes:
                raise ValueError("the model's stored neighbours have other intents than its classifier")
        return component

    def _probabilities(self, X: sp.csr_matrix, texts: List[str] | None = None) -> np.ndarray:
        """Rasa's `predict_proba`, tempered and weighted, with the neighbours' votes blended in
        (the characters' vote reads `texts`, the messages' texts in X's row order)."""
        return self._blend(self._regression_probabilities(X), X, texts)

    def _blend(self, probabilities: np.ndarray, X: sp.csr_matrix, texts: List[str] | None) -> np.ndarray:
        """The regression's `probabilities` with the neighbours' votes blended in."""
        settings = self._neighbour_settings
        if settings is None:
            return probabilities
        share, votes = 1.0, np.zeros_like(probabilities)  # the regression's share, the votes' sum
        if self._neighbours is not None:
            width = self._neighbours.vectors.shape[1]
            votes += settings["weight"] * self._neighbours.probabilities(
                X[:, -width:].toarray(), count=int(settings["count"]), temperature=settings["temperature"]
            )
            share -= settings["weight"]
        if self._char_neighbours is not None:
            if texts is None:
                raise ValueError("the characters' vote needs the messages' texts")
            votes += settings["char_weight"] * self._char_neighbours.probabilities(
                texts, count=int(settings["char_count"]), temperature=settings["char_temperature"]
            )
            share -= settings["char_weight"]
        return share * probabilities + votes

    def _grievance_columns(self) -> List[int]:
        """The columns of `grievance_intents` among the classifier's intents."""
        names = set(self.config.get("grievance_intents") or [])
        return [i for i, name in enumerate(self.clf.classes_) if name in names]

    def _regression_probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        """Rasa's `predict_proba`, tempered (softmax(scores / temperature)) and weighted."""
        temperature = float(self.config.get("temperature", 1.0))
        if temperature == 1.0:
            probabilities = self.clf.predict_proba(X)
        else:
            scores = self.clf.decision_function(X)
            if scores.ndim == 1:  # two intents: sklearn gives one score per message
                scores = np.column_stack([-scores, scores])
            probabilities = softmax(scores / temperature, axis=1)
        return self._weighted(probabilities)

    def _weighted(self, probabilities: np.ndarray) -> np.ndarray:
        """Each intent's probability times its `intent_weights` factor, normalised again."""
        weights = self.config.get("intent_weights") or {}
        if not weights:
            return probabilities
        factors = np.array([float(weights.get(name, 1.0)) for name in self.clf.classes_])
        weighted = probabilities * factors
        return weighted / weighted.sum(axis=1, keepdims=True)

    def _rank(self, messages: List[Message]) -> None:
        """Rasa's `process` with the tempered probabilities: the top intent and the ranking."""
        X = self._create_X(messages)
        texts = [m.get(TEXT) for m in messages]
        regression = self._regression_probabilities(X)
        probabilities = self._blend(regression, X, texts)
        columns = self._grievance_columns() if self.config.get("grievance_intents") else None
        if self._tone is not None:
            for message, tone in zip(messages, self._tone.probabilities(texts)):
                message.set(TONE, float(tone), add_to_output=True)
        for message, row, own in zip(messages, probabilities, regression):
            if columns is not None:
                others = [i for i in columns if i != int(row.argmax())]
                message.set(GRIEVANCE, float(own[others].sum()), add_to_output=True)
            ranking = sorted(
                ({"name": name, "confidence": float(p)} for name, p in zip(self.clf.classes_, row)),
                key=lambda e: -e["confidence"],
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        """Rasa's prediction for messages with text; `NO_TEXT_INTENT` for the others."""
        readable = [m for m in messages if carries_text(m)]
        if readable:
            self._rank(readable)
        for message in messages:
            if not any(message is m for m in readable):
                message.set(INTENT, dict(NO_TEXT_INTENT), add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
