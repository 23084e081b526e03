"""Size advice from a product's size chart and the buyer's body measurements.

A size fits when every measurement the buyer gave falls inside that size's
(inclusive) range; a field a row leaves out does not constrain that size, and
a measurement the chart has no range for at all is ignored. When no size fits
everything the two best candidates are named with the reason per measurement;
when a measurement lies beyond the whole chart the advice says so honestly and
an agent takes over. Pure: no I/O, plain objects in, a `SizeAdvice` out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

MEASUREMENTS = ("height", "weight", "bust", "waist", "hip", "shoulder")

# What must be known before advising, by what the chart offers: tops and
# dresses are chosen by height and weight; trousers charts (waist/hip only)
# by the waist, which is what a buyer knows ("27寸腰") and what the trousers
# are cut to; a hip she gives as well refines the advice. A bust-only chart
# (underwear) by bust. First group that the chart has wins; within a group
# the order is the order we ask in.
REQUIRED_GROUPS: tuple[tuple[str, ...], ...] = (
    ("height", "weight"),
    ("waist",),
    ("bust",),
    ("shoulder",),
)


class ChartRowLike(Protocol):
    """What the advice needs of a size chart row (shop.models.SizeChartRow fits)."""

    size: str
    label: str | None

    def range_of(self, measurement: str) -> tuple[float | None, float | None]: ...


@dataclass(frozen=True)
class ChartRow:
    """A plain size chart row, for tests and for charts not from the database."""

    size: str
    label: str | None = None
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def range_of(self, measurement: str) -> tuple[float | None, float | None]:
        return self.ranges.get(measurement, (None, None))


@dataclass(frozen=True)
class SizeAdvice:
    """The decision; `rule` says which case applied (see module docstring)."""

    rule: str
    size: str | None = None  # the size advised (size_fit_all)
    label: str | None = None
    candidates: tuple[str, ...] = ()  # two sizes, chart order (small first)
    by_measure: tuple[tuple[str, tuple[str, ...]], ...] = ()  # measure -> sizes fitting it
    missing: str | None = None  # what to ask for next ("product", "height", ...)
    outside: tuple[tuple[str, str], ...] = ()  # measure -> "below" | "above"
    used: tuple[tuple[str, float], ...] = ()  # the measurements the advice rests on

    @property
    def handoff(self) -> bool:
        return self.rule in {"size_outside_chart", "size_spread", "size_no_chart"}


def _covers(row: ChartRowLike, measure: str, value: float) -> bool:
    low, high = row.range_of(measure)
    return (low is None or value >= low) and (high is None or value <= high)


def _distance(row: ChartRowLike, measure: str, value: float) -> float:
    """How far a value lies outside a row's range (0 inside or unconstrained)."""
    low, high = row.range_of(measure)
    if low is not None and value < low:
        return low - value
    if high is not None and value > high:
        return value - high
    return 0.0


def _centre_offset(row: ChartRowLike, measure: str, value: float) -> float:
    """Relative distance from the middle of the range: ranks sizes that all fit."""
    low, high = row.range_of(measure)
    if low is None or high is None or high == low:
        return 0.0
    return abs(value - (low + high) / 2) / (high - low)


def chart_measures(rows: Sequence[ChartRowLike]) -> list[str]:
    """The measurements at least one row of the chart constrains."""
    return [m for m in MEASUREMENTS if any(row.range_of(m) != (None, None) for row in rows)]


def required_measures(rows: Sequence[ChartRowLike]) -> list[str]:
    """What must be known for this chart, in the order we ask for it."""
    present = set(chart_measures(rows))
    for group in REQUIRED_GROUPS:
        needed = [m for m in group if m in present]
        if needed:
            return needed
    return []


def _outside(rows: Sequence[ChartRowLike], measure: str, value: float) -> str | None:
    """'below'/'above' when the value is beyond every row's range for the measure."""
    ranges = [r.range_of(measure) for r in rows]
    # A row without a bound on that side accepts the value: not outside then.
    lows = [lo for lo, _ in ranges]
    highs = [hi for _, hi in ranges]
    if None not in lows and value < min(lows):  # type: ignore[type-var]
        return "below"
    if None not in highs and value > max(highs):  # type: ignore[type-var]
        return "above"
    return None


def _sizes_for(rows: Sequence[ChartRowLike], measure: str, value: float) -> tuple[str, ...]:
    """Sizes covering the value; in a gap between two ranges, the nearest ones."""
    covering = tuple(r.size for r in rows if _covers(r, measure, value))
    if covering:
        return covering
    nearest = min(_distance(r, measure, value) for r in rows)
    return tuple(r.size for r in rows if _distance(r, measure, value) == nearest)


def _pick_pair(rows: Sequence[ChartRowLike], scores: list[int], distances: list[float]) -> tuple[int, int]:
    """The two best candidates: most measurements satisfied, ties -> adjacent sizes."""
    order = sorted(range(len(rows)), key=lambda i: (-scores[i], distances[i], i))
    first = order[0]

    def rank(i: int) -> tuple[int, int, float, int]:
        # Next best score; among equals prefer the neighbour of the first pick.
        return (-scores[i], 0 if abs(i - first) == 1 else 1, distances[i], i)

    second = min((i for i in range(len(rows)) if i != first), key=rank)
    return tuple(sorted((first, second)))  # type: ignore[return-value]


def advise(rows: Sequence[ChartRowLike] | None, measurements: Mapping[str, float | None]) -> SizeAdvice:
    """Advises a size for `rows` (None = product unknown) and the buyer's measurements."""
    if rows is None:
        return SizeAdvice(rule="ask_missing_product", missing="product")
    if not rows:
        return SizeAdvice(rule="size_no_chart")
    given = {m: float(v) for m, v in measurements.items() if v is not None and m in MEASUREMENTS}
    for measure in required_measures(rows):
        if measure not in given:
            return SizeAdvice(rule=f"ask_missing_{measure}", missing=measure)

    used = tuple((m, given[m]) for m in chart_measures(rows) if m in given)
    outside = tuple((m, side) for m, v in used if (side := _outside(rows, m, v)) is not None)
    by_measure = tuple((m, _sizes_for(rows, m, v)) for m, v in used)
    if outside:
        return SizeAdvice(rule="size_outside_chart", outside=outside, by_measure=by_measure, used=used)

    fitting = [r for r in rows if all(_covers(r, m, v) for m, v in used)]
    if len(fitting) == 1:
        row = fitting[0]
        return SizeAdvice(
            rule="size_fit_all", size=row.size, label=row.label, by_measure=by_measure, used=used
        )
    if len(fitting) > 1:
        # Several sizes fit: offer the two closest to the middle of their ranges.
        best = sorted(fitting, key=lambda r: (sum(_centre_offset(r, m, v) for m, v in used), rows.index(r)))[
            :2
        ]
        pair = tuple(r.size for r in sorted(best, key=rows.index))
        return SizeAdvice(rule="size_fit_several", candidates=pair, by_measure=by_measure, used=used)

    scores = [sum(_covers(r, m, v) for m, v in used) for r in rows]
    distances = [sum(_distance(r, m, v) for m, v in used) for r in rows]
    low, high = _pick_pair(rows, scores, distances)
    rule = "size_between" if high - low == 1 else "size_spread"
    return SizeAdvice(
        rule=rule, candidates=(rows[low].size, rows[high].size), by_measure=by_measure, used=used
    )
