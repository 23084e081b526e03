"""The demo shop's seeded history: something in every number, deterministic, relative to now, idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from desk import queries
from desk.analytics.dashboard import dashboard
from desk.analytics.period import Period
from desk.analytics.thresholds import PROPOSED, proposals
from desk.demo_history import CHANNEL, read_history, seed_history
from desk.routing import load_routing
from paths import RESPONSES_DIR
from shop.db.migrate import upgrade
from shop.demo import DemoLoadResult, load_demo
from shop.models import AgentDecision, Draft, FollowUpTask, InboundMessage, OutboundMessage
from shop.models.training import TrainerInboxItem
from shop.policy import check_text

ROUTING = load_routing(RESPONSES_DIR / "routing.yml")


# Two days of a quiet shop: the properties that do not need the whole file's numbers.
SMALL = {**read_history(), "days": 2, "messages_per_day": [8, 12]}


def _seed(engine: Engine, now, data: dict | None = None) -> None:  # noqa: ANN001
    with Session(engine) as session, session.begin():
        seed_history(session, now=now, data=data)


def _afternoon_before(now: datetime) -> datetime:
    """The latest 15:00 shop time at or before `now`: a day whose hours are mostly past.
    Just after midnight "today" has no messages yet, in the demo as in a real shop."""
    local = now.astimezone(ZoneInfo(ROUTING.timezone))
    afternoon = local.replace(hour=15, minute=0, second=0, microsecond=0)
    return afternoon if afternoon <= local else afternoon - timedelta(days=1)


def test_every_owner_number_shows_something(demo: DemoLoadResult, engine: Engine) -> None:
    now = _afternoon_before(demo.now)
    _seed(engine, now)
    period = Period.last_days(7, now=now, timezone=ROUTING.timezone)
    with Session(engine) as session:
        board = dashboard(session=session, period=period, routing=ROUTING, now=now)
        proposed = [
            p for p in proposals(session=session, period=period, routing=ROUTING) if p.status == PROPOSED
        ]
        inbox = session.scalar(select(func.count()).select_from(TrainerInboxItem))
        tasks = session.scalars(select(FollowUpTask)).all()
        # Nothing for a gateway started on the demo to resume or send.
        assert queries.unfinished_drafts(CHANNEL, session=session) == []
        assert queries.chats_with_unfinished(CHANNEL, session=session) == []
        latest = session.scalar(select(func.max(OutboundMessage.sent_at)))
    assert all(count > 0 for _, count in board.volume.per_day)
    auto = board.automation
    assert auto.auto_sent > 0 and auto.agent_sent > 0 and auto.rejected > 0 and auto.waiting == 0
    assert {r.intent for r in board.decisions} >= {"ask_size", "complain"}
    assert any(r.counts["edited"] for r in board.decisions) and any(
        r.counts["rejected"] for r in board.decisions
    )
    first = board.first_response
    assert first.p50 is not None and 0 < first.within_rule < len(first.answered_seconds)
    assert {r.code for r in board.handoffs} >= {"below_threshold", "never_auto", "handoff"}
    assert proposed and inbox > 0
    assert any(t.done_at for t in tasks) and any(t.done_at is None for t in tasks)
    assert latest is not None and latest < now


def test_seeding_is_idempotent(demo: DemoLoadResult, engine: Engine) -> None:
    _seed(engine, demo.now, SMALL)
    with Session(engine) as session:
        before = session.scalar(select(func.count()).select_from(Draft))
        again = seed_history(session, now=demo.now + timedelta(hours=3))
        session.commit()
        assert again.action == "unchanged"
        assert session.scalar(select(func.count()).select_from(Draft)) == before > 0


def _rows(engine: Engine) -> list[tuple]:
    with Session(engine) as session:
        return [
            *session.execute(
                select(InboundMessage.chat_id, InboundMessage.received_at, InboundMessage.text).order_by(
                    InboundMessage.received_at, InboundMessage.id
                )
            ),
            *session.execute(
                select(Draft.intent, Draft.confidence, Draft.state, Draft.auto_send).order_by(Draft.id)
            ),
            *session.execute(
                select(AgentDecision.action, AgentDecision.decided_at, AgentDecision.text).order_by(
                    AgentDecision.id
                )
            ),
        ]


def test_the_same_moment_gives_the_same_history_relative_to_it(
    sqlite_url: str, demo_data: dict, tmp_path
) -> None:  # noqa: ANN001
    engine = create_engine(sqlite_url)
    upgrade(engine=engine)
    with Session(engine) as session, session.begin():
        demo = load_demo(session, data=demo_data)
    other = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(engine=other)
    with Session(other) as session, session.begin():
        load_demo(session, data=demo_data, now=demo.now)
    _seed(engine, demo.now, SMALL)
    _seed(other, demo.now, SMALL)
    rows = _rows(engine)
    assert rows == _rows(other)
    days = SMALL["days"]
    with Session(engine) as session:
        first, last = session.execute(
            select(func.min(InboundMessage.received_at), func.max(InboundMessage.received_at))
        ).one()
    assert demo.now - timedelta(days=days) <= first and last < demo.now
    other.dispose()
    engine.dispose()


def test_seeding_needs_the_demo_shop(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    with Session(engine) as session, pytest.raises(Exception, match="demo shop"):
        seed_history(session)
    engine.dispose()


@pytest.mark.parametrize("scene", read_history()["scenes"], ids=lambda s: s.get("intent") or s.get("kind"))
def test_every_demo_reply_passes_the_policy_check(scene: dict) -> None:
    for text in [*scene.get("reply", []), scene["edited"]]:
        assert check_text(text) == [], text
