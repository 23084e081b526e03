"""The generated lexicon files are up to date and the generator validates its input."""

from __future__ import annotations

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
