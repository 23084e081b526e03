"""First-response time: how long a buyer waited for a real answer, against the shop's rule.

A wait starts at a buyer message written while the chat has no unanswered
message (so three quick messages are one wait, timed from the first) and ends
at the next message the chat was sent. Acknowledgements do not end a wait:
the holding message, "we are busy" and "we got your photo" (responses/gateway.yml
`buyer.holding`, `buyer.busy`, `buyer.media_received`) promise an answer, they
are not one. Waits that started in the period count, whenever answered;
a wait still unanswered counts as missing the rule once the rule's time has
passed (before that it is still open and left out of the share).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk import texts
from desk.analytics.period import Period
from desk.analytics.volume import NOT_FROM_BUYERS
from desk.channels import NOT_BUYERS
from shop.models import InboundMessage, OutboundMessage, utcnow

# How far before the period a chat's messages are read, to know whether its
# first message in the period starts a wait or joins one already running.
LOOKBACK = timedelta(days=1)


@lru_cache(maxsize=1)
def acknowledgements() -> frozenset[str]:
    """Texts the gateway sends to say an answer is coming (they answer nothing)."""
    kinds = texts.all_texts()["buyer"]["kinds"]
    media = {texts.buyer("media_received", kind=name) for name in kinds.values()}
    return frozenset({texts.buyer("holding"), texts.buyer("busy"), *media})


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (a value that occurred); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class FirstResponse:
    """Waits started in the period: answered ones' seconds, and the share within the rule."""

    rule_seconds: float
    waits: int  # started in the period
    answered_seconds: list[float]
    unanswered: int  # no answer yet, and the rule's time has passed
    still_open: int  # no answer yet, within the rule's time

    @property
    def p50(self) -> float | None:
        return percentile(self.answered_seconds, 50)

    @property
    def p90(self) -> float | None:
        return percentile(self.answered_seconds, 90)

    @property
    def within_rule(self) -> int:
        return sum(s <= self.rule_seconds for s in self.answered_seconds)

    @property
    def share_within_rule(self) -> float | None:
        """Answered within the rule / every wait that can be judged (None: none)."""
        judged = len(self.answered_seconds) + self.unanswered
        return self.within_rule / judged if judged else None


def buyer_arrivals(*, session: Session, period: Period) -> list[tuple[str, str, datetime]]:
    """(channel, chat, received at) of the buyer messages from LOOKBACK before ``period`` to its end."""
    inbound = select(InboundMessage.channel, InboundMessage.chat_id, InboundMessage.received_at).where(
        InboundMessage.received_at >= period.start - LOOKBACK,
        InboundMessage.received_at < period.end,
        InboundMessage.status.not_in(NOT_FROM_BUYERS),
        InboundMessage.channel.not_in(NOT_BUYERS),
    )
    return [(channel, chat, at) for channel, chat, at in session.execute(inbound)]


def first_response(
    *,
    session: Session,
    period: Period,
    rule: timedelta,
    now: datetime | None = None,
    arrivals: list[tuple[str, str, datetime]] | None = None,
) -> FirstResponse:
    """First-response times of the waits that started in ``period``, judged against ``rule``.

    ``arrivals``: the period's :func:`buyer_arrivals`, when the caller has read them already.
    """
    now = now or utcnow()
    if arrivals is None:
        arrivals = buyer_arrivals(session=session, period=period)
    events: dict[tuple[str, str], list[tuple[datetime, int]]] = defaultdict(list)
    for channel, chat, at in arrivals:
        events[(channel, chat)].append((at, 0))
    # Answers after the period's end still end its waits (a message at 23:59 answered at 00:01).
    outbound = select(
        OutboundMessage.channel, OutboundMessage.chat_id, OutboundMessage.sent_at, OutboundMessage.text
    ).where(
        OutboundMessage.status == "sent",
        OutboundMessage.sent_at >= period.start - LOOKBACK,
    )
    acks = acknowledgements()
    for channel, chat, at, text in session.execute(outbound):
        if text not in acks and (channel, chat) in events:
            events[(channel, chat)].append((at, 1))
    answered: list[float] = []
    unanswered = still_open = waits = 0
    for chat_events in events.values():
        # At equal times the buyer's message comes first: a reply never precedes its question.
        chat_events.sort()
        started: datetime | None = None
        for at, is_reply in chat_events:
            if not is_reply and started is None:
                started = at
            elif is_reply and started is not None:
                if started in period:
                    waits += 1
                    answered.append((at - started).total_seconds())
                started = None
        if started is not None and started in period:
            waits += 1
            if now - started > rule:
                unanswered += 1
            else:
                still_open += 1
    return FirstResponse(rule.total_seconds(), waits, sorted(answered), unanswered, still_open)
