"""Every number of the owner's dashboard for one period, in one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from desk.analytics.handoffs import HandoffReason, handoff_reasons
from desk.analytics.outcome_counts import outcome_counts
from desk.analytics.outcomes import Automation, IntentDecisions, automation, decisions_by_intent
from desk.analytics.period import Period
from desk.analytics.response_time import FirstResponse, first_response, timeline
from desk.analytics.volume import MessageVolume, message_volume, volume_of
from desk.routing import RoutingConfig


@dataclass(frozen=True)
class Dashboard:
    period: Period
    volume: MessageVolume
    automation: Automation
    decisions: list[IntentDecisions]
    first_response: FirstResponse
    handoffs: list[HandoffReason]


def dashboard(
    *, session: Session, period: Period, routing: RoutingConfig, now: datetime | None = None
) -> Dashboard:
    """The dashboard of ``period``; the response-time rule is the routing file's ``response_minutes``."""
    outcomes = outcome_counts(session=session, period=period)  # counted by the database, not read row by row
    # One read of the period's buyer messages serves the volume and the waits.
    messages = timeline(session=session, period=period)
    return Dashboard(
        period=period,
        volume=volume_of((at for at, _, _ in messages), period),
        automation=automation(outcomes),
        decisions=decisions_by_intent(outcomes),
        first_response=first_response(
            session=session, period=period, rule=_rule(routing), now=now, messages=messages
        ),
        handoffs=handoff_reasons(outcomes),
    )


FROM_OUTCOMES = {"automation": automation, "decisions": decisions_by_intent, "handoffs": handoff_reasons}


def figure(
    name: str, *, session: Session, period: Period, routing: RoutingConfig, now: datetime | None = None
) -> Any:  # noqa: ANN401 - the type of Dashboard's field ``name``
    """One field of :func:`dashboard` computed alone, reading only the rows it needs."""
    if name == "volume":
        return message_volume(session=session, period=period)
    if name == "first_response":
        return first_response(session=session, period=period, rule=_rule(routing), now=now)
    if name not in FROM_OUTCOMES:
        raise ValueError(f"no dashboard figure {name!r}")
    return FROM_OUTCOMES[name](outcome_counts(session=session, period=period))


def _rule(routing: RoutingConfig) -> timedelta:
    return timedelta(minutes=routing.response_minutes)
