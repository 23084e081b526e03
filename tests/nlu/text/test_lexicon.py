"""The generated lexicon files are up to date and the generator validates its input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu.text import lexicon


def test_generated_files_are_up_to_date() -> None:
    assert lexicon.stale_files() == [], "run: .venv-rasa/bin/python -m nlu.text.lexicon"


def test_catalogue_contents(catalogue: dict) -> None:
    assert set(catalogue["products"]) >= {"0201", "108", "0255", "0420"}
    assert catalogue["product_aliases"]["红色羊毛大衣"] == "0201"
    assert catalogue["couriers"]["顺丰"] == "顺丰速运"
    assert catalogue["couriers"]["ems"] == "EMS"
    assert catalogue["colors"]["酒红色"] == "酒红"
    assert set(catalogue["concerns"].values()) == {"fading", "pilling", "shrinking", "material", "washing"}


def test_userdict_has_names_codes_and_terms() -> None:
    words = {line.split()[0] for line in lexicon.build()[lexicon.USERDICT].splitlines()}
    assert {"红色羊毛大衣", "0201", "雾蓝", "运费险", "七天无理由", "中通"} <= words


def test_unknown_product_code_is_rejected(tmp_path: Path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("[product]\n大衣 = 9999\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown code"):
        lexicon.build(terms_path=terms)


def test_check_mode_reports_stale_output(tmp_path: Path) -> None:
    assert lexicon.main(["--check", "--out", str(tmp_path)]) == 1
    assert lexicon.main(["--out", str(tmp_path)]) == 0
    assert lexicon.main(["--check", "--out", str(tmp_path)]) == 0


def _other_shop(tmp_path: Path) -> Path:
    shop = tmp_path / "catalogue.json"
    products = [{"code": "3101", "name": "青禾 双面羊绒大衣", "colors": ["燕麦色", "藏青"]}]
    shop.write_text(json.dumps({"products": products}, ensure_ascii=False), encoding="utf-8")
    return shop


def test_another_shops_catalogue_drops_curated_aliases_it_does_not_sell(tmp_path: Path) -> None:
    built = lexicon.build(_other_shop(tmp_path), other_shop=True)
    catalogue = json.loads(built[lexicon.CATALOGUE])
    assert set(catalogue["products"]) == {"3101"}
    assert catalogue["product_aliases"]["青禾双面羊绒大衣"] == "3101"
    assert set(catalogue["product_aliases"].values()) == {"3101"}  # no alias of the demo's 0201
    assert set(catalogue["colors"].values()) <= {"燕麦色", "藏青"}
    words = {line.split()[0] for line in built[lexicon.USERDICT].splitlines()}
    assert "3101" in words and "0201" not in words and "运费险" in words


def test_regenerating_an_unchanged_lexicon_leaves_the_files_alone(tmp_path: Path) -> None:
    shop = _other_shop(tmp_path)
    out = tmp_path / "out"
    assert lexicon.main(["--shop", str(shop), "--out", str(out)]) == 0
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert lexicon.main(["--shop", str(shop), "--out", str(out)]) == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps
    assert lexicon.main(["--check", "--shop", str(shop), "--out", str(out)]) == 0


def test_order_id_lengths_come_from_the_shops_orders(tmp_path: Path) -> None:
    """The demo's orders have 13 digits; a Taobao shop's snapshot says 18 and 19; no orders: the usual ones."""
    assert json.loads(lexicon.build()[lexicon.CATALOGUE])["order_id_lengths"] == [13]
    products = [{"code": "0201", "name": "红色羊毛大衣", "colors": ["红色"]}]
    for given, expected in (([19, 18, 19], [18, 19]), ([], [13, 15, 16, 17, 18, 19])):
        shop = tmp_path / "catalogue.json"
        shop.write_text(json.dumps({"products": products, "order_id_lengths": given}), encoding="utf-8")
        built = json.loads(lexicon.build(shop, other_shop=True)[lexicon.CATALOGUE])
        assert built["order_id_lengths"] == expected
