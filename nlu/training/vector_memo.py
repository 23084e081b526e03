"""Sentence vectors of unchanged training texts, kept between trainings (training only).

Every training encodes every training message with the pretrained sentence
encoder (nlu/components/sentence_vectors.py): about 1.2 ms of CPU each, 6-7 s
for the demo shop's 5,500 messages, nearly all of them unchanged by a
trainer's retrain. A vector depends only on the text the encoder is given
(already normalised) and the encoder, which cannot change inside a process, so
here it is kept under that text; a new text goes to the encoder as before.

Only in the warm training worker (nlu/training/worker.py), where the vectors
outlive a training. A kept vector was encoded in another batch than a fresh
training would use (the encoder's results differ by about 2e-7 between
batches), so `make train` does not use it and gives `rasa train`'s model exactly.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections import OrderedDict
from typing import Any, Callable, List, Optional

import numpy as np

MODULE = "nlu.components.sentence_vectors"
_original: Optional[Callable[[List[str]], np.ndarray]] = None
_kept: "OrderedDict[str, np.ndarray]" = OrderedDict()
_CAP = 50_000  # texts (2 KB each); the demo shop's training data is about 5,500


def encode(prepared: List[str]) -> np.ndarray:
    """`sentence_vectors.encode`, asking the encoder only for texts it has not seen."""
    new = list(dict.fromkeys(text for text in prepared if text not in _kept))
    fresh = {}
    if new:
        assert _original is not None, "vector_memo.install() first"
        fresh = dict(zip(new, _original(new)))
    out = np.empty((len(prepared), 512), dtype=np.float32)
    for row, text in enumerate(prepared):
        if text in fresh:
            out[row] = fresh[text]
        else:
            _kept.move_to_end(text)
            out[row] = _kept[text]
    _kept.update(fresh)
    while len(_kept) > _CAP:
        _kept.popitem(last=False)
    return out


def _module() -> Optional[Any]:
    # A project copy without our sentence vectors (the trainer tests' tiny project) has nothing to keep.
    return importlib.import_module(MODULE) if importlib.util.find_spec(MODULE) is not None else None


def install() -> None:
    global _original
    module = _module()
    if module is not None and _original is None:
        _original = module.encode
        module.encode = encode


def uninstall() -> None:
    global _original
    module = _module()
    if module is not None and _original is not None:
        module.encode = _original
    _original = None
    _kept.clear()
