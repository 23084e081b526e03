"""No held-out message may be trained on, not even with other spacing, punctuation or script."""

from __future__ import annotations

import re

from rasa.shared.nlu.training_data.loading import load_data

from nlu.normalize import normalize
from tests.nlu.conftest import ROOT


def key(text: str) -> str:
    return re.sub(r"[\W_]+", "", normalize(text).lower())


def texts(path) -> list[str]:
    return [m.get("text") for m in load_data(str(path), language="zh").training_examples if m.get("text")]


def test_no_heldout_message_is_in_the_training_data() -> None:
    heldout = {key(t): t for t in texts(ROOT / "tests" / "nlu_heldout" / "heldout.yml")}
    leaked = sorted(t for t in texts(ROOT / "data" / "nlu") if key(t) in heldout)
    assert leaked == []
