"""The trainers' confusion pictures: Chinese drawn with the CJK font, the changed cells, no font still renders."""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import matplotlib
import pytest

import chart_font
from nlu.evaluation.report import change_table, write_change_png, write_confusion_png
from tests.cjk_font import FontUnavailable, ensure_cjk_font

# Intent names may be a shop's own, in Chinese (Simplified or Traditional).
LIVE = {"labels": ["退货", "問尺码", "greet"], "matrix": [[5, 1, 0], [2, 3, 0], [0, 0, 4]]}
CANDIDATE = {
    "labels": ["退货", "問尺码", "greet", "out_of_scope"],
    "matrix": [[6, 0, 0, 0], [1, 4, 0, 0], [0, 0, 3, 1], [0, 0, 0, 0]],
}


@pytest.fixture(scope="module")
def cjk_installed() -> str:
    try:
        return ensure_cjk_font()
    except FontUnavailable as exc:
        pytest.fail(f"cannot test Chinese in charts: {exc}", pytrace=False)


def _is_png(path: Path) -> bool:
    return path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 1000


def test_confusion_pictures_with_chinese_intents_have_no_missing_glyph(cjk_installed, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph")  # "Glyph 36864 (...) missing from current font"
        write_confusion_png(CANDIDATE, tmp_path / "candidate.png", "held-out, 候选模型")
        write_change_png(CANDIDATE, LIVE, tmp_path / "change.png", "held-out")
    assert _is_png(tmp_path / "candidate.png") and _is_png(tmp_path / "change.png")


def test_the_change_picture_counts_candidate_minus_live_over_both_label_sets() -> None:
    table = change_table(CANDIDATE, LIVE)
    assert table["labels"] == ["greet", "out_of_scope", "問尺码", "退货"]
    cells = {
        (g, p): table["matrix"][i][j]
        for i, g in enumerate(table["labels"])
        for j, p in enumerate(table["labels"])
    }
    assert cells[("退货", "退货")] == 1 and cells[("退货", "問尺码")] == -1  # one more right, one fewer wrong
    assert cells[("greet", "greet")] == -1 and cells[("greet", "out_of_scope")] == 1  # a new confusion
    assert sum(abs(v) for row in table["matrix"] for v in row) == 6


def test_without_a_cjk_font_the_pictures_render_with_english_words(
    tmp_path: Path, caplog, monkeypatch
) -> None:
    with matplotlib.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        with caplog.at_level(logging.WARNING, logger="chart_font"):
            assert chart_font.use_cjk_font(fonts=()) is None
        assert "apt-get install fonts-wqy-microhei" in caplog.text
        monkeypatch.setattr(chart_font, "_chosen", [None])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            write_change_png(CANDIDATE, LIVE, tmp_path / "change.png", "held-out")
        assert _is_png(tmp_path / "change.png")
    # The axis words are English (DejaVu has them): the only missing glyphs are the intent names'.
    missing = {chr(int(m.group(1))) for w in caught if (m := re.match(r"Glyph (\d+)", str(w.message)))}
    assert missing and missing <= set("".join(CANDIDATE["labels"]))
