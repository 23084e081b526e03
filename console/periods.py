"""The period an owner's page shows: chosen dates (shop time) from the form, or the default last days."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desk.analytics.period import Period
from desk.analytics.texts import text

MAX_DAYS = 366  # a longer period is refused: one page must not read years of history


@dataclass(frozen=True)
class Chosen:
    period: Period
    first: date  # shown in the form
    last: date
    error: str | None  # the owner's dates were refused (the default period is shown)


def chosen_period(values: Mapping[str, Any], *, now: datetime, timezone: str, default_days: int) -> Chosen:
    """``from``/``to`` (YYYY-MM-DD, whole days) or, without them or when they are wrong, the default."""
    default = Period.last_days(default_days, now=now, timezone=timezone)
    fallback = Chosen(default, default.days()[0], default.days()[-1], None)
    given_from, given_to = str(values.get("from") or "").strip(), str(values.get("to") or "").strip()
    if not given_from and not given_to:
        return fallback
    try:
        first = date.fromisoformat(given_from) if given_from else fallback.first
        last = date.fromisoformat(given_to) if given_to else fallback.last
    except ValueError:
        return Chosen(default, fallback.first, fallback.last, text("web.period_bad"))
    if last < first:
        return Chosen(default, fallback.first, fallback.last, text("web.period_reversed"))
    if (last - first).days + 1 > MAX_DAYS:
        return Chosen(default, fallback.first, fallback.last, text("web.period_too_long", days=MAX_DAYS))
    return Chosen(Period.between(first, last, timezone=timezone), first, last, None)


def query_of(chosen: Chosen) -> str:
    """The query string that shows the same period again (chart images, links)."""
    return f"from={chosen.first.isoformat()}&to={chosen.last.isoformat()}"
