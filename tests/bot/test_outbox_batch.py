"""The gateway's outbox reads a batch of queued rows in a constant number of statements (SQLite and PostgreSQL).

Each row needs its chat's conversation (to mark a blocked buyer) and the agent
who sent its draft (for the card): read with the batch, not one look-up per row.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.gateway import CHANNEL
from bot.outbox import BATCH, Queued, _queued
from desk import store
from tests.statements import statements

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _web_sends(session: Session, count: int) -> list[Queued]:
    """``count`` chats whose draft a web agent sent, each with its reply queued; what the outbox should read."""
    expected = []
    for n in range(count):
        chat = f"5{n:05d}"
        at = NOW + timedelta(seconds=n)
        conv = store.ensure_conversation(CHANNEL, chat, chat, session=session, now=at)
        inbound, _ = store.record_inbound(
            channel=CHANNEL,
            update_key=f"q{n}",
            chat_id=chat,
            user_id=chat,
            text="有M码吗",
            session=session,
            now=at,
        )
        draft = store.record_draft(
            conversation_id=conv.id, inbound_id=inbound.id, texts=["亲，有的哦"], session=session, now=at
        )
        # An earlier agent released it; the one who sent it last is who the card names.
        store.record_decision(
            draft_id=draft.id, agent_user_id="web:amy", action="edit", text="x", session=session
        )
        store.record_decision(draft_id=draft.id, agent_user_id=f"web:a{n}", action="send", session=session)
        reply = store.record_outbound(
            channel=CHANNEL, chat_id=chat, text=f"亲，有的哦 {n}", draft_id=draft.id, session=session, now=at
        )
        expected.append(Queued(reply.id, chat, reply.text, draft.id, conv.id, f"web:a{n}"))
    # A reply queued without a draft, to a chat that never wrote: no conversation, no agent.
    lone = store.record_outbound(channel=CHANNEL, chat_id="599999", text="您好", session=session, now=NOW)
    expected.append(Queued(lone.id, "599999", "您好", None, None, None))
    session.commit()
    return expected


def _read(engine: Engine) -> tuple[list[Queued], int]:
    with statements(engine) as seen, Session(engine) as session, session.begin():
        found = _queued(session)
    return found, len([s for s in seen if s.lstrip().upper().startswith("SELECT")])


def test_a_batch_of_twenty_is_read_in_as_many_statements_as_a_batch_of_one(engine: Engine) -> None:
    with Session(engine) as session:
        one = _web_sends(session, 1)
    found_one, statements_one = _read(engine)
    assert found_one == one
    with Session(engine) as session, session.begin():
        for row in one:
            store.mark_outbound(row.id, "sent", session=session, now=NOW)
    with Session(engine) as session:
        twenty = _web_sends(session, 20)
    found_twenty, statements_twenty = _read(engine)
    assert found_twenty == twenty  # oldest first, each with its conversation and its last sending agent
    assert statements_twenty == statements_one == 1


def test_a_batch_stops_at_the_batch_size_oldest_first(engine: Engine) -> None:
    with Session(engine) as session:
        queued = _web_sends(session, BATCH + 2)
    found, _ = _read(engine)
    assert found == queued[:BATCH]
