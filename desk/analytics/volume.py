"""How many buyer messages came in, per hour and per day of the shop's clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.analytics.period import Period
from desk.channels import NOT_BUYERS
from shop.models import InboundMessage

# Rows the gateway keeps for the record only (the agents' group, button presses): not buyers'.
NOT_FROM_BUYERS = ("ignored",)


def buyer_messages(period: Period):  # noqa: ANN201 - a select() of InboundMessage
    """The buyer messages received in ``period`` (buyers' channels only, never the simulator's)."""
    return select(InboundMessage).where(
        InboundMessage.received_at >= period.start,
        InboundMessage.received_at < period.end,
        InboundMessage.status.not_in(NOT_FROM_BUYERS),
        InboundMessage.channel.not_in(NOT_BUYERS),
    )


@dataclass(frozen=True)
class MessageVolume:
    """Buyer messages per local hour and per local day (every bucket present, zeros too)."""

    total: int
    per_hour: list[tuple[datetime, int]]
    per_day: list[tuple[date, int]]

    @property
    def by_hour_of_day(self) -> list[int]:
        """Messages at 0:00-0:59, 1:00-1:59, ... over the whole period: when buyers write."""
        counts = [0] * 24
        for hour, count in self.per_hour:
            counts[hour.hour] += count
        return counts


def message_volume(*, session: Session, period: Period) -> MessageVolume:
    """Buyer messages received in ``period``, bucketed on the shop's clock."""
    stmt = buyer_messages(period).with_only_columns(InboundMessage.received_at)
    return volume_of(session.scalars(stmt), period)


def volume_of(received: Iterable[datetime], period: Period) -> MessageVolume:
    """The volume of buyer messages received at these moments (each inside ``period``)."""
    # Counted by quarter-hour first, then each quarter put on the shop's clock: a time zone's
    # offset (and its daylight-saving switches) is whole quarter-hours, so a quarter lies in one
    # local hour; a week's 20 000 messages are 672 conversions, not 20 000.
    quarters = Counter(t.replace(minute=t.minute - t.minute % 15, second=0, microsecond=0) for t in received)
    hours: Counter[datetime] = Counter()
    days: Counter[date] = Counter()
    for quarter, count in quarters.items():
        local = period.local(quarter)
        hours[local.replace(minute=0)] += count
        days[local.date()] += count
    return MessageVolume(
        total=sum(quarters.values()),
        per_hour=[(hour, hours.get(hour, 0)) for hour in period.hours()],
        per_day=[(day, days.get(day, 0)) for day in period.days()],
    )
