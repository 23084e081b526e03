"""Every number of the owner's dashboard for one period, in one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from desk.analytics.handoffs import HandoffReason, handoff_reasons
from desk.analytics.outcomes import (
    Automation,
    IntentDecisions,
    automation,
    decisions_by_intent,
    draft_outcomes,
)
from desk.analytics.period import Period
from desk.analytics.response_time import FirstResponse, first_response
from desk.analytics.volume import MessageVolume, message_volume
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
    outcomes = draft_outcomes(session=session, period=period)
    return Dashboard(
        period=period,
        volume=message_volume(session=session, period=period),
        automation=automation(outcomes),
        decisions=decisions_by_intent(outcomes),
        first_response=first_response(
            session=session, period=period, rule=timedelta(minutes=routing.response_minutes), now=now
        ),
        handoffs=handoff_reasons(outcomes),
    )
