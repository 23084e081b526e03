"""The vocabulary file names everything the demo catalogue uses."""

from __future__ import annotations

import pytest
import yaml

from paths import DEMO_SHOP_FILE
from shop.policy.vocabulary import load_vocabulary, number
from shop.rules.sizing import MEASUREMENTS

VOCAB = load_vocabulary()


def test_every_demo_fibre_has_a_chinese_name() -> None:
    with open(DEMO_SHOP_FILE, encoding="utf-8") as fh:
        products = yaml.safe_load(fh)["products"]
    fibres = {code for p in products for code in p["materials"]}
    assert {f: VOCAB.material(f) for f in fibres if VOCAB.material(f) == f} == {}


def test_every_measurement_has_a_name_and_unit() -> None:
    for code in MEASUREMENTS:
        assert VOCAB.measure(code) and VOCAB.unit(code)


@pytest.mark.parametrize(
    ("materials", "text"),
    [
        ([("cotton", 100.0)], "纯棉"),
        ([("wool", 80.0), ("polyamide", 20.0)], "羊毛80%、锦纶20%"),
        ([("polyester", 68.0), ("viscose", 28.0), ("spandex", 4.0)], "涤纶68%、粘纤28%、氨纶4%"),
    ],
)
def test_composition(materials, text) -> None:
    assert VOCAB.composition(materials) == text


def test_weight_is_shown_in_jin() -> None:
    assert VOCAB.measurement("weight", 57.5) == "体重115斤"
    assert VOCAB.measurement("height", 162) == "身高162cm"


@pytest.mark.parametrize(("value", "text"), [(115.0, "115"), (57.5, "57.5"), (12.00, "12"), (98.99, "98.99")])
def test_number(value, text) -> None:
    assert number(value) == text
