"""Migration 0003 on a gateway with history: inbound messages get ``bot_id``, nothing is lost, on both backends.

On SQLite the new unique key rebuilds ``inbound_messages`` (batch mode); with
foreign keys on, dropping the old table would have set every draft's
``inbound_id`` to NULL (``ON DELETE SET NULL``): drafts no longer knowing which
message they answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from shop.db.engine import dispose_engine, make_engine
from shop.db.migrate import current_revision, head_revision, upgrade
from tests.db_fixtures import BACKENDS
from tests.shop.db.earlier_revision import database_at

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
# Every table 0003 touches, and every table whose rows refer to them (directly or through drafts).
COUNTED = (
    "inbound_messages",
    "conversations",
    "drafts",
    "agent_decisions",
    "outbound_messages",
    "trainer_inbox",
)


@pytest.fixture(params=BACKENDS)
def url_at_0002(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database migrated only up to 0002 (before inbound messages had a bot id)."""
    yield from database_at("0002", request, tmp_path)


def _populate_at_0002(engine: Engine) -> None:
    """Two chats' messages as the gateway stored them before 0003, with drafts, decisions, sends, inbox."""
    tables = MetaData()
    tables.reflect(engine)  # the tables as they are at 0002, not as the models describe them today
    t = tables.tables
    with engine.begin() as conn:
        for chat in (1, 2):
            conversation_id = conn.execute(
                insert(t["conversations"]).values(
                    channel="telegram",
                    chat_id=f"{chat}",
                    user_id=f"{chat}",
                    mode="bot",
                    blocked=False,
                    created_at=NOW,
                    updated_at=NOW,
                )  # fmt: skip
            ).inserted_primary_key[0]
            for update in range(3):
                inbound_id = conn.execute(
                    insert(t["inbound_messages"]).values(
                        channel="telegram",
                        update_key=f"{chat}{update}",
                        chat_id=f"{chat}",
                        user_id=f"{chat}",
                        kind="text",
                        text="hello",
                        received_at=NOW,
                        status="done",
                        processed_at=NOW,
                        attempts=1,
                    )  # fmt: skip
                ).inserted_primary_key[0]
                draft_id = conn.execute(
                    insert(t["drafts"]).values(
                        inbound_id=inbound_id,
                        conversation_id=conversation_id,
                        intent="greet",
                        confidence=0.5,
                        texts=["hi"],
                        meta={},
                        policy_violations=[],
                        auto_send=False,
                        state="sent",
                        created_at=NOW,
                    )  # fmt: skip
                ).inserted_primary_key[0]
                conn.execute(
                    insert(t["agent_decisions"]).values(
                        draft_id=draft_id, agent_user_id="111", action="send", decided_at=NOW
                    )
                )
                conn.execute(
                    insert(t["outbound_messages"]).values(
                        channel="telegram",
                        chat_id=f"{chat}",
                        draft_id=draft_id,
                        text="hi",
                        status="sent",
                        created_at=NOW,
                        sent_at=NOW,
                    )  # fmt: skip
                )
                conn.execute(
                    insert(t["trainer_inbox"]).values(
                        text="hello",
                        model_intent="greet",
                        confidence=0.5,
                        reason="low_confidence",
                        draft_id=draft_id,
                        created_at=NOW,
                        status="new",
                    )  # fmt: skip
                )


def _snapshot(engine: Engine) -> dict[str, object]:
    """Row counts, and which message each draft answers and which draft each later row belongs to."""
    tables = MetaData()
    tables.reflect(engine, only=COUNTED)
    t = tables.tables
    with engine.connect() as conn:
        counts = {name: conn.scalar(select(func.count()).select_from(t[name])) for name in COUNTED}
        links = {
            "drafts": conn.execute(select(t["drafts"].c.id, t["drafts"].c.inbound_id).order_by("id")).all(),
            **{
                name: conn.execute(select(t[name].c.id, t[name].c.draft_id).order_by("id")).all()
                for name in ("agent_decisions", "outbound_messages", "trainer_inbox")
            },
        }
    return {"counts": counts, "links": links}


def test_upgrade_keeps_every_message_and_what_refers_to_it(url_at_0002: str) -> None:
    engine = make_engine(url_at_0002)
    _populate_at_0002(engine)
    before = _snapshot(engine)
    assert all(before["counts"][name] for name in COUNTED)
    assert all(inbound is not None for _, inbound in before["links"]["drafts"])
    dispose_engine(url_at_0002)

    upgrade(url_at_0002)

    assert current_revision(url_at_0002) == head_revision()
    engine = make_engine(url_at_0002)
    assert _snapshot(engine) == before
    tables = MetaData()
    tables.reflect(engine, only=["inbound_messages"])
    inbound = tables.tables["inbound_messages"]
    with engine.connect() as conn:
        # Messages stored before 0003 came from the one bot there was: bot id '' (no bot named).
        assert conn.execute(select(inbound.c.bot_id).distinct()).scalars().all() == [""]
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    foreign_keys = {
        fk["referred_table"]: fk["constrained_columns"] for fk in inspect(engine).get_foreign_keys("drafts")
    }
    assert foreign_keys["inbound_messages"] == ["inbound_id"]


def test_after_upgrade_an_update_id_is_unique_per_bot_not_per_channel(url_at_0002: str) -> None:
    engine = make_engine(url_at_0002)
    _populate_at_0002(engine)
    dispose_engine(url_at_0002)
    upgrade(url_at_0002)

    engine = make_engine(url_at_0002)
    tables = MetaData()
    tables.reflect(engine, only=["inbound_messages"])
    inbound = tables.tables["inbound_messages"]
    old = {"channel": "telegram", "update_key": "10", "chat_id": "1", "user_id": "1", "kind": "text"}
    row = {**old, "received_at": NOW, "status": "pending", "attempts": 0}
    with engine.begin() as conn:  # another bot's update 10 is a new message
        conn.execute(insert(inbound).values(**row, bot_id="7001"))
        # A channel without bots stores no bot id: the column's default is ''.
        new_id = conn.execute(insert(inbound).values(**{**row, "update_key": "new"})).inserted_primary_key[0]
        assert conn.scalar(select(inbound.c.bot_id).where(inbound.c.id == new_id)) == ""
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the old bot's update 10 again: a redelivery
        conn.execute(insert(inbound).values(**row))
