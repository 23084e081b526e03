"""Evaluation data: load annotated examples, convert to Traditional, split into folds.

Examples are plain dicts `{"text", "intent", "entities"}` (entities with
`entity`, `value`, `start`, `end`), so the metrics and the report never touch
Rasa objects.
"""

from __future__ import annotations

import functools
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

Example = dict[str, Any]


def load_examples(path: str | Path) -> list[Example]:
    """Every example with an intent from a Rasa NLU YAML file or folder."""
    from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path), language="zh")
    return [
        {
            "text": m.get(TEXT),
            "intent": m.get(INTENT),
            "entities": [
                {k: e[k] for k in ("entity", "value", "start", "end")} for e in m.get(ENTITIES) or []
            ],
        }
        for m in data.training_examples
        if m.get(TEXT) and m.get(INTENT)
    ]


@functools.lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified -> Traditional script with OpenCC's s2t (phrase-level) conversion."""
    return _s2t().convert(text)


def traditional_examples(examples: list[Example]) -> list[Example]:
    """The examples in Traditional script.

    Entity offsets are kept when the conversion preserved the length (almost
    always: s2t maps character to character); otherwise the message keeps its
    intent but loses its entity annotations (`entities_dropped` counts those).
    """
    converted = []
    for example in examples:
        text = to_traditional(example["text"])
        same_length = len(text) == len(example["text"])
        converted.append(
            {
                **example,
                "text": text,
                "entities": example["entities"] if same_length else [],
                "entities_dropped": 0 if same_length else len(example["entities"]),
            }
        )
    return converted


def stratified_folds(examples: list[Example], folds: int, seed: int = 42) -> list[list[int]]:
    """Indices of `folds` test folds, each intent dealt round-robin after a seeded shuffle."""
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    by_intent: dict[str, list[int]] = defaultdict(list)
    for i, example in enumerate(examples):
        by_intent[example["intent"]].append(i)
    rng = random.Random(seed)
    out: list[list[int]] = [[] for _ in range(folds)]
    position = 0
    for intent in sorted(by_intent):
        indices = by_intent[intent]
        rng.shuffle(indices)
        # Continue the deal where the previous intent stopped so fold sizes stay even.
        for i in indices:
            out[position % folds].append(i)
            position += 1
    return [sorted(f) for f in out]


def training_extras(path: str | Path) -> str:
    """The lookup tables and regexes of a Rasa NLU file or folder as YAML ("" if none).

    Cross-validation folds are written from examples alone; the RegexFeaturizer
    also needs these (data/nlu/concepts.yml).
    """
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = load_data(str(path), language="zh")
    if not data.lookup_tables and not data.regex_features:
        return ""
    extras = TrainingData(lookup_tables=data.lookup_tables, regex_features=data.regex_features)
    return RasaYAMLWriter().dumps(extras)


def write_nlu_yaml(examples: list[Example], path: Path) -> None:
    """Write examples (intents only: the rule extractor needs no annotations) as Rasa YAML."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        by_intent[example["intent"]].append(example["text"])
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        # Training texts contain no annotations; a bare line is a literal example.
        lines += [f"    - {text}" for text in by_intent[intent]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
