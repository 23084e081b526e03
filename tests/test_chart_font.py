"""Charts draw Chinese with a CJK font (installed by the test setup when missing), and without one still render."""

from __future__ import annotations

import logging
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import matplotlib
import pytest

import chart_font
from desk.analytics import charts
from desk.analytics.volume import MessageVolume
from tests.cjk_font import FontUnavailable, ensure_cjk_font

VOLUME = MessageVolume(total=7, per_hour=[], per_day=[(date(2026, 11, 24), 5), (date(2026, 11, 25), 2)])


@pytest.fixture(scope="module")
def cjk_installed() -> str:
    try:
        return ensure_cjk_font()
    except FontUnavailable as exc:
        pytest.fail(f"cannot test Chinese in charts: {exc}", pytrace=False)


def _chinese_chart() -> matplotlib.figure.Figure:
    figure = charts.messages_per_day_figure(VOLUME)
    axes = figure.axes[0]
    axes.set_title("每天的买家消息（条）")
    axes.set_xticks(
        [0, 1], ["周一", "週二"]
    )  # a Traditional character too: shops' intents and names may have them
    return figure


def test_a_dashboard_chart_with_chinese_labels_has_no_missing_glyph(cjk_installed) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        png = charts.render(_chinese_chart(), "png")
        svg = charts.render(_chinese_chart(), "svg")
    assert png.startswith(b"\x89PNG") and b"<svg" in svg
    assert matplotlib.rcParams["font.sans-serif"][0] == cjk_installed


def test_charts_drawn_in_several_threads_at_once_are_whole_and_miss_no_glyph(cjk_installed) -> None:
    """The console draws in worker threads: pictures made at once equal pictures made one by one."""

    def draw(_: int) -> bytes:
        with charts.DRAWING:  # making the figure too: the console's chart functions hold it throughout
            return charts.render(_chinese_chart(), "png")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"; in any thread
        alone = draw(0)
        with ThreadPoolExecutor(max_workers=4) as pool:
            at_once = list(pool.map(draw, range(8)))
    assert alone.startswith(b"\x89PNG")
    assert at_once == [alone] * 8


def test_without_a_cjk_font_charts_still_render_and_the_log_says_why(caplog, monkeypatch) -> None:
    with matplotlib.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        with caplog.at_level(logging.WARNING, logger="chart_font"):
            assert chart_font.use_cjk_font(fonts=()) is None
        assert [r.getMessage() for r in caplog.records if r.name == "chart_font"] == [
            "no CJK font for charts: Chinese would show as boxes (apt-get install fonts-wqy-microhei)"
        ]
        monkeypatch.setattr(chart_font, "_chosen", [None])  # this process "has" no CJK font
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the boxes' warnings: expected here
            assert charts.render(_chinese_chart(), "png").startswith(b"\x89PNG")
