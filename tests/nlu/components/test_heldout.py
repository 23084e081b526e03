"""The held-out set (and the training data) against our tokenizer and extractor.

1. Every annotated entity span in tests/nlu_heldout/heldout.yml and data/nlu/*.yml
   must start and end on a token boundary of ShopJiebaTokenizer (RasaHQ/rasa#7409: a span that cuts a jieba token silently
   loses its entity during training and evaluation).
2. A report of how many annotated entities our rule extractor reproduces exactly
   (same entity, value, start and end), with a floor so regressions show up.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.loading import load_data

from nlu.components.tokenizer import ShopJiebaTokenizer
from nlu.text.extract import extract_entities
from tests.nlu.conftest import DICTIONARY_PATH, ROOT

HELDOUT = ROOT / "tests" / "nlu_heldout" / "heldout.yml"
# Share of annotated entities the rules must reproduce exactly.
MIN_REPRODUCTION = 0.9

ANNOTATED_FILES = [HELDOUT, *sorted((ROOT / "data" / "nlu").glob("*.yml"))]


def _examples(path: Any) -> list[Any]:
    data = load_data(str(path), language="zh")
    return [m for m in data.training_examples if m.get(TEXT)]


@pytest.fixture(scope="module")
def examples() -> list[Any]:
    if not HELDOUT.exists():
        pytest.skip(f"{HELDOUT} not written yet")
    return _examples(HELDOUT)


def _same_value(annotated: Any, ours: Any) -> bool:
    try:
        return float(annotated) == float(ours)
    except (TypeError, ValueError):
        return str(annotated) == str(ours)


@pytest.mark.parametrize("path", ANNOTATED_FILES, ids=lambda p: p.name)
def test_annotations_align_with_tokens(path: Any, model_storage: Any, execution_context: Any) -> None:
    if not path.exists():
        pytest.skip(f"{path} not written yet")
    examples = _examples(path)
    config = {**ShopJiebaTokenizer.get_default_config(), "dictionary_path": str(DICTIONARY_PATH)}
    tokenizer = ShopJiebaTokenizer.create(config, model_storage, Resource("tok"), execution_context)
    misaligned = []
    for message in examples:
        tokens = tokenizer.tokenize(message, TEXT)
        starts = {t.start for t in tokens}
        ends = {t.end for t in tokens}
        for entity in message.get(ENTITIES, []):
            if entity["start"] not in starts or entity["end"] not in ends:
                text = message.get(TEXT)
                misaligned.append(
                    f"{text!r}: {entity['entity']} {text[entity['start'] : entity['end']]!r} "
                    f"tokens={[t.text for t in tokens]}"
                )
    assert not misaligned, "entity spans cut tokens:\n" + "\n".join(misaligned)


def test_extractor_reproduces_annotations(examples: list[Any], catalogue: dict, capsys: Any) -> None:
    total, hits, missed = Counter(), Counter(), []
    for message in examples:
        text = message.get(TEXT)
        ours = extract_entities(text, catalogue)
        for entity in message.get(ENTITIES, []):
            total[entity["entity"]] += 1
            if any(
                o["entity"] == entity["entity"]
                and (o["start"], o["end"]) == (entity["start"], entity["end"])
                and _same_value(entity.get("value"), o["value"])
                for o in ours
            ):
                hits[entity["entity"]] += 1
            else:
                missed.append(f"  {text!r}: {entity['entity']}={entity.get('value')!r}")
    rate = sum(hits.values()) / max(1, sum(total.values()))
    with capsys.disabled():
        print(f"\nheld-out entity reproduction: {sum(hits.values())}/{sum(total.values())} = {rate:.1%}")
        for name in sorted(total):
            print(f"  {name:13} {hits[name]:3}/{total[name]:3}")
        if missed:
            print("missed:\n" + "\n".join(missed))
    assert rate >= MIN_REPRODUCTION
