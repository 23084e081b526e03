"""The owner's charts show the dashboard's numbers and need no CJK font: their Chinese words travel
beside the picture (`Chart.title`, `Chart.legend`). chart_font gives them one when installed (here it
is); `test_the_charts_need_no_cjk_font` draws them without it."""

from __future__ import annotations

import warnings
from datetime import date, datetime
from zoneinfo import ZoneInfo

import matplotlib
import pytest

import chart_font
from desk.analytics import charts
from desk.analytics.outcomes import EDITED, UNCHANGED, DraftOutcome, IntentDecisions
from desk.analytics.response_time import FirstResponse
from desk.analytics.thresholds import propose_for
from desk.analytics.volume import MessageVolume
from desk.routing import IntentRoute

ZONE = ZoneInfo("Asia/Shanghai")
VOLUME = MessageVolume(
    total=7,
    per_hour=[(datetime(2026, 11, 24, h, tzinfo=ZONE), {9: 4, 15: 1}.get(h, 0)) for h in range(24)]
    + [(datetime(2026, 11, 25, h, tzinfo=ZONE), {9: 2}.get(h, 0)) for h in range(24)],
    per_day=[(date(2026, 11, 24), 5), (date(2026, 11, 25), 2)],
)
DECISIONS = [
    IntentDecisions("ask_size", {"unchanged": 3, "edited": 1, "rejected": 0}),
    IntentDecisions("complain", {"unchanged": 0, "edited": 0, "rejected": 2}),
]
FIRST = FirstResponse(180, 4, [30, 90, 200, 600], 0, 0)


def _heights(figure) -> list[float]:  # noqa: ANN001
    return [patch.get_height() for patch in figure.axes[0].patches]


def test_bars_are_the_numbers() -> None:
    assert _heights(charts.messages_per_day_figure(VOLUME)) == [5, 2]
    hours = _heights(charts.messages_by_hour_figure(VOLUME))
    assert len(hours) == 24 and hours[9] == 6 and hours[15] == 1 and sum(hours) == 7
    widths = [p.get_width() for p in charts.decisions_figure(DECISIONS).axes[0].patches]
    # Stacked per outcome (unchanged, edited, rejected), intents bottom-up (complain, ask_size).
    assert widths == pytest.approx([0, 0.75, 0, 0.25, 1.0, 0])


def test_first_response_splits_waits_at_the_rule() -> None:
    figure = charts.first_response_figure(FIRST)
    axes = figure.axes[0]
    assert axes.lines[0].get_xdata()[0] == 3  # the rule, in minutes
    within, over = axes.containers
    assert sum(p.get_height() for p in within) == 2 and sum(p.get_height() for p in over) == 2


def test_band_chart_marks_the_proposal() -> None:
    outcomes = [
        DraftOutcome(
            0, "greet", 0.9 + 0.001 * i, True, False, "sent", UNCHANGED if i else EDITED, None, None, None
        )
        for i in range(40)
    ]
    proposal = propose_for("greet", outcomes, IntentRoute(False, 1.0))
    figure = charts.bands_figure(proposal)
    assert figure.axes[0].lines[0].get_xdata()[0] == proposal.threshold
    assert _heights(figure) == pytest.approx([39 / 40])


def test_charts_render_without_missing_glyphs_and_carry_chinese_words_beside() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font"
        made = [
            charts.messages_per_day(VOLUME),
            charts.messages_by_hour(VOLUME),
            charts.decisions_by_intent(DECISIONS),
            charts.first_response_times(FIRST),
            charts.messages_per_day(VOLUME, fmt="png"),
        ]
    for chart in made[:4]:
        assert chart.content_type == "image/svg+xml" and chart.image.lstrip().startswith(b"<?xml")
        assert chart.title and all(name for name, _ in chart.legend)
    assert made[4].image.startswith(b"\x89PNG") and made[4].content_type == "image/png"
    assert [name for name, _ in made[2].legend] == ["直接发送", "改写后发送", "拒绝"]
    # The same numbers draw the same bytes (pages can be cached and compared).
    assert charts.messages_per_day(VOLUME).image == made[0].image
    with pytest.raises(ValueError):
        charts.messages_per_day(VOLUME, fmt="gif")


def test_empty_numbers_still_draw() -> None:
    empty = MessageVolume(0, [], [(date(2026, 11, 24), 0)])
    for chart in (
        charts.messages_per_day(empty),
        charts.decisions_by_intent([]),
        charts.first_response_times(FirstResponse(180, 0, [], 0, 0)),
    ):
        assert chart.image


def test_the_charts_need_no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without fonts-wqy-microhei still draws every chart, with no glyph missing."""
    monkeypatch.setattr(chart_font, "_chosen", [None])  # chart_font found none
    proposal = propose_for(
        "greet",
        [DraftOutcome(0, "greet", 0.95, True, False, "sent", UNCHANGED, None, None, None)] * 40,
        IntentRoute(False, 1.0),
    )
    plain = {"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}  # matplotlib's own
    with matplotlib.rc_context(plain), warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font"
        made = [
            charts.messages_per_day(VOLUME),
            charts.messages_by_hour(VOLUME),
            charts.decisions_by_intent(DECISIONS),
            charts.first_response_times(FIRST),
            charts.confidence_bands(proposal),
            charts.messages_per_day(VOLUME, fmt="png"),
        ]
        assert matplotlib.rcParams["font.sans-serif"] == ["DejaVu Sans"]
    assert all(chart.image for chart in made)
