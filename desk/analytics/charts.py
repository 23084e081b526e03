"""The owner's pictures, drawn on the server with matplotlib (Agg: no display).

The pictures carry numbers, dates, hours and intent ids; their Chinese
titles and legends (responses/owner.yml `charts`) travel beside them in
:class:`Chart` for the page to show as text (a screen reader gets the title too).
Any Chinese that does reach a picture (a shop's own names) is drawn with the CJK
font of `chart_font` when one is installed; without one the picture still renders.
SVG keeps text as paths, so the browser needs no font either.

The console draws in worker threads (never on its event loop). matplotlib is not
thread-safe: no pyplot here (its figure registry is global), only Figure objects
drawn by their own canvas, and one lock around making and saving a picture (the
font objects, the rcParams that `render` sets and `chart_font` sets once are shared).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from chart_font import cjk_font
from desk.analytics.outcomes import EDITED, OUTCOMES, REJECTED, UNCHANGED, IntentDecisions
from desk.analytics.response_time import FirstResponse
from desk.analytics.texts import label, text
from desk.analytics.thresholds import Proposal
from desk.analytics.volume import MessageVolume

COLOURS = {UNCHANGED: "#2e7d32", EDITED: "#f9a825", REJECTED: "#c62828", "messages": "#1565c0"}
OVER_RULE = "#c62828"
# Same bytes for the same numbers: no date in the file, fixed ids.
_SVG = {"svg.hashsalt": "desk.analytics", "svg.fonttype": "path"}
# One picture at a time per process (re-entrant: a chart function holds it while `render` takes it).
DRAWING = threading.RLock()


@dataclass(frozen=True)
class Chart:
    """A picture and the words around it: ``legend`` is (label, colour) pairs."""

    image: bytes
    content_type: str
    title: str
    legend: list[tuple[str, str]] = field(default_factory=list)


def render(figure: Figure, fmt: str = "svg") -> bytes:
    """The figure as SVG or PNG bytes (Agg for PNG: no display needed)."""
    if fmt not in ("svg", "png"):
        raise ValueError("fmt is svg or png")
    out = io.BytesIO()
    with DRAWING:
        cjk_font()
        with matplotlib.rc_context(_SVG):
            figure.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None, dpi=100)
    return out.getvalue()


def _figure(width: float = 8, height: float = 3) -> tuple[Figure, Axes]:
    cjk_font()  # before the texts are made: they keep the font family they were made with
    # A Figure of its own, not pyplot's: nothing global keeps it, garbage collection frees it.
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def messages_per_day_figure(volume: MessageVolume) -> Figure:
    figure, axes = _figure()
    days = [day.strftime("%m-%d") for day, _ in volume.per_day]
    axes.bar(days, [count for _, count in volume.per_day], color=COLOURS["messages"])
    axes.tick_params(axis="x", labelrotation=45 if len(days) > 10 else 0)
    return figure


def messages_by_hour_figure(volume: MessageVolume) -> Figure:
    figure, axes = _figure()
    axes.bar(range(24), volume.by_hour_of_day, color=COLOURS["messages"])
    axes.set_xticks(range(0, 24, 2))
    return figure


def decisions_figure(rows: list[IntentDecisions]) -> Figure:
    """One bar per intent: shares sent unchanged, edited, rejected (counts at the end)."""
    rows = [r for r in rows if r.decided]
    figure, axes = _figure(8, max(1.5, 0.4 * len(rows) + 0.8))
    names = [r.intent for r in rows][::-1]
    left = [0.0] * len(rows)
    for outcome in OUTCOMES:
        shares = [r.rate(outcome) or 0.0 for r in rows][::-1]
        axes.barh(names, shares, left=left, color=COLOURS[outcome])
        left = [a + b for a, b in zip(left, shares, strict=True)]
    for y, row in enumerate(rows[::-1]):
        axes.text(1.01, y, str(row.decided), va="center", fontsize=8)
    axes.set_xlim(0, 1.08)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    return figure


def first_response_figure(first: FirstResponse) -> Figure:
    """Answered waits in minutes; the rule as a vertical line, waits over it in red."""
    figure, axes = _figure()
    minutes = [s / 60 for s in first.answered_seconds]
    rule = first.rule_seconds / 60
    top = max([*minutes, rule * 2]) if minutes else rule * 2
    bins = [top * i / 30 for i in range(31)]
    within = [m for m in minutes if m <= rule]
    over = [m for m in minutes if m > rule]
    axes.hist([within, over], bins=bins, stacked=True, color=[COLOURS[UNCHANGED], OVER_RULE])
    axes.axvline(rule, color="black", linewidth=1)
    return figure


def bands_figure(proposal: Proposal) -> Figure:
    """Unchanged-send rate per confidence band (bar width = band); the proposal as a line."""
    figure, axes = _figure()
    bands = [b for b in proposal.bands if b.decided]
    axes.bar(
        [b.low for b in bands],
        [b.unchanged_rate or 0.0 for b in bands],
        width=[b.high - b.low for b in bands],
        align="edge",
        color=COLOURS[UNCHANGED],
        edgecolor="white",
    )
    for b in bands:
        axes.text(
            (b.low + b.high) / 2, (b.unchanged_rate or 0) + 0.02, str(b.decided), ha="center", fontsize=7
        )
    if proposal.threshold is not None:
        axes.axvline(proposal.threshold, color="black", linewidth=1)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.1)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    return figure


def _chart(draw: Callable[[], Figure], fmt: str, title: str, legend: list[tuple[str, str]]) -> Chart:
    content_type = "image/svg+xml" if fmt == "svg" else "image/png"
    with DRAWING:
        image = render(draw(), fmt)
    return Chart(image, content_type, title, legend)


def _legend(*codes: str) -> list[tuple[str, str]]:
    return [(label("charts.legend", code), COLOURS.get(code, OVER_RULE)) for code in codes]


def messages_per_day(volume: MessageVolume, fmt: str = "svg") -> Chart:
    return _chart(
        lambda: messages_per_day_figure(volume), fmt, text("charts.messages_per_day"), _legend("messages")
    )


def messages_by_hour(volume: MessageVolume, fmt: str = "svg") -> Chart:
    return _chart(
        lambda: messages_by_hour_figure(volume), fmt, text("charts.messages_by_hour"), _legend("messages")
    )


def decisions_by_intent(rows: list[IntentDecisions], fmt: str = "svg") -> Chart:
    return _chart(lambda: decisions_figure(rows), fmt, text("charts.decisions_by_intent"), _legend(*OUTCOMES))


def first_response_times(first: FirstResponse, fmt: str = "svg") -> Chart:
    legend = [
        (label("charts.legend", "within_rule"), COLOURS[UNCHANGED]),
        (label("charts.legend", "over_rule"), OVER_RULE),
    ]
    return _chart(lambda: first_response_figure(first), fmt, text("charts.first_response"), legend)


def confidence_bands(proposal: Proposal, fmt: str = "svg") -> Chart:
    legend = [(label("charts.legend", "unchanged_rate"), COLOURS[UNCHANGED])]
    return _chart(lambda: bands_figure(proposal), fmt, text("charts.bands", intent=proposal.intent), legend)
