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
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import case, func, literal, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session

from desk import texts
from desk.analytics.period import Period
from desk.analytics.volume import NOT_FROM_BUYERS
from desk.channels import NOT_BUYERS
from shop.models import InboundMessage, OutboundMessage, UTCDateTime, utcnow

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


def timeline(*, session: Session, period: Period) -> list[tuple[datetime, bool, datetime | None]]:
    """Each buyer message received in ``period``: (received at, starts a wait, answered at).

    The database walks each chat's messages both ways (window functions, SQLite and
    PostgreSQL alike): a buyer message starts a wait when the chat's event before it is
    a reply (or there is none since LOOKBACK before the period); the wait's answer is
    the chat's first reply at or after it. At equal times the buyer's message comes first:
    a reply never precedes its question. "answered at" is None for a wait not answered yet
    (and means nothing for a message that joined a running wait).
    """
    inbound = select(
        InboundMessage.channel.label("channel"),
        InboundMessage.chat_id.label("chat_id"),
        InboundMessage.received_at.label("at"),
        literal(0).label("is_reply"),
    ).where(
        InboundMessage.received_at >= period.start - LOOKBACK,
        InboundMessage.received_at < period.end,
        InboundMessage.status.not_in(NOT_FROM_BUYERS),
        InboundMessage.channel.not_in(NOT_BUYERS),
    )
    # Answers after the period's end still end its waits (a message at 23:59 answered at 00:01).
    outbound = select(
        OutboundMessage.channel, OutboundMessage.chat_id, OutboundMessage.sent_at, literal(1)
    ).where(
        OutboundMessage.status == "sent",
        OutboundMessage.sent_at >= period.start - LOOKBACK,
        OutboundMessage.text.not_in(acknowledgements()),
        OutboundMessage.channel.not_in(NOT_BUYERS),
    )
    events = union_all(inbound, outbound).cte("events")
    if sqlite3.sqlite_version_info >= (3, 35):  # AS MATERIALIZED came with SQLite 3.35 (Debian 11 has 3.34)
        # Else SQLite walks all of inbound_messages in chat order (its chat index) to skip one sort: 3x slower.
        events = events.prefix_with("MATERIALIZED", dialect="sqlite")
    # One walk per chat, newest first (one sort): the event "before" a message is the next
    # row, its answer the earliest reply among the rows up to it.
    chat = (events.c.channel, events.c.chat_id)
    newest_first = (events.c.at.desc(), events.c.is_reply.desc())
    walked = select(
        events.c.at,
        events.c.is_reply,
        func.lead(events.c.is_reply).over(partition_by=chat, order_by=newest_first).label("before"),
        func.min(case((events.c.is_reply == 1, events.c.at)))
        .over(partition_by=chat, order_by=newest_first, rows=(None, 0))
        .label("answered_at"),
    ).subquery()
    rows = session.execute(
        select(
            type_coerce(walked.c.at, UTCDateTime()),
            or_(walked.c.before.is_(None), walked.c.before == 1),
            type_coerce(walked.c.answered_at, UTCDateTime()),
        ).where(walked.c.is_reply == 0, walked.c.at >= period.start)
    )
    return [(at, bool(starts), answered_at) for at, starts, answered_at in rows]


def first_response(
    *,
    session: Session,
    period: Period,
    rule: timedelta,
    now: datetime | None = None,
    messages: list[tuple[datetime, bool, datetime | None]] | None = None,
) -> FirstResponse:
    """First-response times of the waits that started in ``period``, judged against ``rule``.

    ``messages``: the period's :func:`timeline`, when the caller has read it already.
    """
    now = now or utcnow()
    if messages is None:
        messages = timeline(session=session, period=period)
    answered: list[float] = []
    unanswered = still_open = waits = 0
    for at, starts, answered_at in messages:
        if not starts:
            continue
        waits += 1
        if answered_at is not None:
            answered.append((answered_at - at).total_seconds())
        elif now - at > rule:
            unanswered += 1
        else:
            still_open += 1
    return FirstResponse(rule.total_seconds(), waits, sorted(answered), unanswered, still_open)
