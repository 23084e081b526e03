"""Table tests of the size advice (shop.rules.sizing) on the demo shop's real charts."""

from __future__ import annotations

import pytest
import yaml

from paths import DEMO_SHOP_FILE
from shop.rules.sizing import MEASUREMENTS, ChartRow, advise, required_measures


def _charts() -> dict[str, list[ChartRow]]:
    with open(DEMO_SHOP_FILE, encoding="utf-8") as fh:
        shop = yaml.safe_load(fh)
    return {
        p["code"]: [
            ChartRow(
                size=str(row["size"]),
                label=row.get("label"),
                ranges={m: tuple(row[m]) for m in MEASUREMENTS if m in row},
            )
            for row in p["size_chart"]
        ]
        for p in shop["products"]
    }


CHARTS = _charts()
SEED = {"height": 162, "weight": 57.5, "bust": 92, "waist": 79, "hip": 96, "shoulder": 39}


@pytest.mark.parametrize(
    ("code", "size"),
    [("0201", "M"), ("108", "L"), ("0164", "L"), ("0254", "M")],
)
def test_seed_check(code: str, size: str) -> None:
    advice = advise(CHARTS[code], SEED)
    assert (advice.rule, advice.size) == ("size_fit_all", size)


def test_seed_0201_bust_fits_two_sizes_but_the_rest_decide() -> None:
    advice = advise(CHARTS["0201"], SEED)
    by = dict(advice.by_measure)
    assert by["bust"] == ("M", "L")
    assert by["shoulder"] == ("M",)
    assert advice.label == "160/84A"


def test_trousers_chart_ignores_height_and_weight() -> None:
    advice = advise(CHARTS["0164"], SEED)
    assert [m for m, _ in advice.used] == ["waist", "hip"]


CASES = [
    # (id, code, measurements, rule, size, candidates, missing)
    ("unknown product", None, SEED, "ask_missing_product", None, (), "product"),
    ("nothing given", "0201", {}, "ask_missing_height", None, (), "height"),
    ("weight without height", "0201", {"weight": 55}, "ask_missing_height", None, (), "height"),
    ("height only", "0201", {"height": 160}, "ask_missing_weight", None, (), "weight"),
    ("trousers ask waist", "0164", {"height": 162, "weight": 57.5}, "ask_missing_waist", None, (), "waist"),
    ("jeans by waist alone", "0255", {"waist": 71}, "size_fit_all", "28", (), None),
    # "27寸腰" is 68.6 cm: the waist alone decides, no hip needed.
    ("jeans 27 inch waist", "0255", {"waist": 69}, "size_fit_all", "27", (), None),
    ("trousers by waist alone", "0164", {"waist": 79}, "size_fit_all", "L", (), None),
    # On a range boundary the waist fits two sizes; the hip then decides.
    ("trousers waist on a boundary", "0164", {"waist": 76}, "size_fit_several", None, ("M", "L"), None),
    ("hip refines the waist", "0164", {"waist": 76, "hip": 90}, "size_fit_all", "M", (), None),
    ("underwear asks bust", "0420", {"height": 160, "weight": 50}, "ask_missing_bust", None, (), "bust"),
    ("tee fits S", "0363", {"height": 152, "weight": 45}, "size_fit_all", "S", (), None),
    ("jeans 28", "0255", {"waist": 72, "hip": 94}, "size_fit_all", "28", (), None),
    # height says M, weight says L: between the two, adjacent.
    ("between M and L", "0201", {"height": 160, "weight": 62}, "size_between", None, ("M", "L"), None),
    # M satisfies height, bust, shoulder; L weight and bust: M and L named.
    (
        "between by count",
        "0201",
        {"height": 162, "weight": 62, "bust": 92, "shoulder": 39},
        "size_between",
        None,
        ("M", "L"),
        None,
    ),
    # 163 cm is in M and L, 55.5 kg in M and L: both fit, two offered.
    ("two fit", "108", {"height": 163, "weight": 55.5}, "size_fit_several", None, ("M", "L"), None),
    ("far apart", "0201", {"height": 152, "weight": 70}, "size_spread", None, ("S", "XL"), None),
    ("too tall", "0201", {"height": 185, "weight": 70}, "size_outside_chart", None, (), None),
    ("too light", "0254", {"height": 155, "weight": 35}, "size_outside_chart", None, (), None),
    ("waist beyond jeans", "0255", {"waist": 90, "hip": 100}, "size_outside_chart", None, (), None),
    # 157.5 cm falls in the gap between S (..157) and M (158..); weight 52 says M.
    ("height in a gap", "0201", {"height": 157.5, "weight": 52}, "size_between", None, ("S", "M"), None),
    ("range ends inclusive", "0201", {"height": 158, "weight": 51}, "size_fit_all", "M", (), None),
    ("bust only chart", "0420", {"bust": 82}, "size_fit_all", "M", (), None),
]


@pytest.mark.parametrize(
    ("code", "given", "rule", "size", "candidates", "missing"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_advice_table(code, given, rule, size, candidates, missing) -> None:
    advice = advise(CHARTS[code] if code else None, given)
    assert advice.rule == rule
    assert advice.size == size
    assert advice.candidates == candidates
    assert advice.missing == missing


def test_outside_chart_names_the_measure_and_hands_off() -> None:
    advice = advise(CHARTS["0201"], {"height": 185, "weight": 60})
    assert advice.outside == (("height", "above"),)
    assert advice.handoff


def test_empty_chart_goes_to_an_agent() -> None:
    advice = advise([], {"height": 160, "weight": 50})
    assert advice.rule == "size_no_chart" and advice.handoff


def test_row_without_a_field_does_not_constrain_it() -> None:
    rows = [
        ChartRow("S", ranges={"height": (150, 158), "weight": (40, 50)}),
        ChartRow("M", ranges={"height": (158, 166)}),  # no weight range: any weight
    ]
    advice = advise(rows, {"height": 160, "weight": 80})
    assert (advice.rule, advice.size) == ("size_fit_all", "M")


def test_required_measures_follow_the_chart() -> None:
    assert required_measures(CHARTS["0201"]) == ["height", "weight"]
    assert required_measures(CHARTS["0164"]) == ["waist"]
    assert required_measures(CHARTS["0255"]) == ["waist"]
    assert required_measures(CHARTS["0420"]) == ["bust"]
