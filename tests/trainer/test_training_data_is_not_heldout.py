"""No held-out message may be trained on, not even with other spacing, punctuation or script.

The same comparison the trainer's `add` uses to refuse held-out phrasings (trainer.textnorm.key);
and the same rule it uses for real buyers' messages (trainer.realbuyers), when they are present.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from paths import PROJECT_ROOT
from trainer.nludata import load_all, read_examples
from trainer.realbuyers import default_dir, load_keys, violations
from trainer.textnorm import key

GENERIC_OVERLAP = Path(__file__).with_name("realbuyer_generic_overlap.sha256")


def test_no_heldout_message_is_in_the_training_data() -> None:
    heldout = {key(ex.text) for ex in read_examples(PROJECT_ROOT / "tests" / "nlu_heldout" / "heldout.yml")}
    training = load_all(sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")))
    leaked = sorted(ex.text for ex in training if key(ex.text) in heldout)
    assert leaked == []


def _digest(text: str) -> str:
    return hashlib.sha256(key(text).encode("utf-8")).hexdigest()


def test_no_real_buyer_message_or_close_variant_is_in_the_training_data() -> None:
    buyers = load_keys(default_dir(PROJECT_ROOT))
    if not buyers:
        pytest.skip("no ../shared/real-buyers/ beside the project")
    training = load_all(sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")))
    found = violations([ex.text for ex in training], buyers)
    known = {line for line in GENERIC_OVERLAP.read_text("utf-8").split() if not line.startswith("#")}
    generic = sorted(t for t, m in found.items() if m.kind == "equal" and m.short and _digest(t) in known)
    if generic:
        print(f"{len(generic)} short generic texts also typed by real buyers (allowed):", " / ".join(generic))
    # Reported by our own file and line, never by the real-buyer text it resembles.
    new = sorted(
        f"{ex.file.name}:{ex.line} {found[ex.text].kind}"
        for ex in training
        if ex.text in found and ex.text not in generic
    )
    assert new == [], "rephrase these training lines in your own words"
