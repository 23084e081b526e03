"""The stretch of time the owner looks at, and the shop's clock it is read in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in aware UTC, bucketed by days and hours of the shop's ``timezone``."""

    start: datetime
    end: datetime
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"naive datetime {value!r}: a period is in aware times")
        if self.end <= self.start:
            raise ValueError("a period ends after it starts")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        """``moment`` on the shop's clock."""
        return moment.astimezone(self.zone)

    def days(self) -> list[date]:
        """Every local date the period touches, in order."""
        first, last = self.local(self.start).date(), self.local(self.end - timedelta(microseconds=1)).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def hours(self) -> list[datetime]:
        """The local start of every hour the period touches, in order (aware, shop time)."""
        hour = self.local(self.start).replace(minute=0, second=0, microsecond=0)
        out = []
        while hour < self.end:
            out.append(hour)
            # Step in UTC so a daylight-saving shift neither repeats nor skips an hour.
            hour = self.local(hour + timedelta(hours=1))
        return out

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @classmethod
    def last_days(cls, days: int, *, now: datetime, timezone: str) -> Period:
        """Today and the ``days - 1`` days before it (shop time), up to ``now``."""
        if days < 1:
            raise ValueError("a period covers at least one day")
        zone = ZoneInfo(timezone)
        today = now.astimezone(zone).date()
        start = datetime.combine(today - timedelta(days=days - 1), time(), tzinfo=zone)
        return cls(start, now, timezone)

    @classmethod
    def between(cls, first: date, last: date, *, timezone: str) -> Period:
        """Whole local days ``first`` to ``last``, both included."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(first, time(), tzinfo=zone)
        return cls(start, datetime.combine(last + timedelta(days=1), time(), tzinfo=zone), timezone)
