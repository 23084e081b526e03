"""Table tests of the fabric and care answers (shop.rules.fabric_care)."""

from __future__ import annotations

import pytest

from shop.rules.fabric_care import advise, composition

DARK = {"黑色", "深蓝", "酒红", "红色"}
COAT = {"materials": {"wool": 80, "polyamide": 20}, "category": "coat", "colors": ["红色", "驼色"]}
SWEATER = {"materials": {"wool": 50, "acrylic": 50}, "category": "sweater", "colors": ["燕麦色"]}
CASHMERE = {"materials": {"wool": 70, "cashmere": 30}, "category": "sweater", "colors": ["米白"]}
TEE = {"materials": {"cotton": 100}, "category": "tshirt", "colors": ["白色"]}
JEANS = {"materials": {"cotton": 98, "spandex": 2}, "category": "jeans", "colors": ["深蓝"]}
SILK = {"materials": {"silk": 100}, "category": "shirt", "colors": ["酒红"]}
TROUSERS = {
    "materials": {"polyester": 68, "viscose": 28, "spandex": 4},
    "category": "trousers",
    "colors": ["米白"],
}
UNDERWEAR = {"materials": {"polyamide": 80, "spandex": 20}, "category": "underwear", "colors": ["肤色"]}

CASES = [
    ("coat pilling", COAT, "pilling", "fabric_pilling_some"),
    ("acrylic pilling", SWEATER, "pilling", "fabric_pilling_high"),
    ("cashmere pilling", CASHMERE, "pilling", "fabric_pilling_high"),
    ("tee pilling", TEE, "pilling", "fabric_pilling_low"),
    ("jeans fading", JEANS, "fading", "fabric_fading_prone"),
    ("silk fading", SILK, "fading", "fabric_fading_prone"),
    ("dark coat fading", COAT, "fading", "fabric_fading_prone"),
    ("light tee fading", TEE, "fading", "fabric_fading_low"),
    ("tee shrinking", TEE, "shrinking", "fabric_shrinking_prone"),
    ("viscose shrinking", TROUSERS, "shrinking", "fabric_shrinking_prone"),
    ("nylon shrinking", UNDERWEAR, "shrinking", "fabric_shrinking_low"),
    ("material", COAT, "material", "fabric_material"),
    ("washing", SILK, "washing", "fabric_washing"),
    ("no concern", COAT, None, "fabric_overview"),
    ("unknown concern word", COAT, "smell", "fabric_overview"),
]


@pytest.mark.parametrize(("product", "concern", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_per_material_and_concern(product: dict, concern: str | None, rule: str) -> None:
    assert advise(known=True, concern=concern, dark_colors=DARK, **product).rule == rule


def test_no_product_asks_which() -> None:
    assert advise(known=False, concern="pilling").rule == "fabric_ask_product"


def test_cashmere_is_named_before_wool() -> None:
    assert advise(known=True, concern="pilling", **CASHMERE).pilling_fibres == ("cashmere", "wool")


def test_fading_reasons_and_dark_colours() -> None:
    silk = advise(known=True, concern="fading", dark_colors=DARK, **SILK)
    assert silk.fading_reasons == ("silk", "dark") and silk.dark_colors == ("酒红",)
    jeans = advise(known=True, concern="fading", dark_colors=DARK, **JEANS)
    assert jeans.fading_reasons == ("denim", "dark")


def test_fading_depends_on_the_colour_asked() -> None:
    camel = {**COAT, "colors": ["驼色"]}
    assert advise(known=True, concern="fading", dark_colors=DARK, **camel).rule == "fabric_fading_low"


def test_overview_lists_the_main_risks() -> None:
    coat = advise(known=True, dark_colors=DARK, **COAT)
    assert coat.risks == ("pilling", "fading", "shrinking")
    assert advise(known=True, dark_colors=DARK, **UNDERWEAR).risks == ()


def test_composition_largest_first() -> None:
    assert composition({"spandex": 4, "polyester": 68, "viscose": 28}) == (
        ("polyester", 68.0),
        ("viscose", 28.0),
        ("spandex", 4.0),
    )
