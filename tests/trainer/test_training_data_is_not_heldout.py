"""No held-out message may be trained on, not even with other spacing, punctuation or script.

The same comparison the trainer's `add` uses to refuse held-out phrasings (trainer.textnorm.key).
"""

from __future__ import annotations

from shop.paths import PROJECT_ROOT
from trainer.nludata import load_all, read_examples
from trainer.textnorm import key


def test_no_heldout_message_is_in_the_training_data() -> None:
    heldout = {key(ex.text) for ex in read_examples(PROJECT_ROOT / "tests" / "nlu_heldout" / "heldout.yml")}
    training = load_all(sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")))
    leaked = sorted(ex.text for ex in training if key(ex.text) in heldout)
    assert leaked == []
