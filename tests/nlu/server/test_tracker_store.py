"""Our cached SQL tracker store against Rasa's own, on the same database file.

The cache may only save work: every conversation must read back, and be stored,
exactly as Rasa's `SQLTrackerStore` would have it, including when another
server wrote to the conversation, a turn failed half-way, or a session expired.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event as sa_event

from nlu.server.tracker_store import CachedSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, ask_size]
slots:
  product_code:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
"""
)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def turn(text: str, intent: str, time: float, code: str | None = None) -> list[Event]:
    events: list[Event] = [
        UserUttered(text, intent={"name": intent, "confidence": 0.9}, timestamp=time),
        ActionExecuted("action_x", timestamp=time + 0.1),
        BotUttered("好的亲", timestamp=time + 0.2),
    ]
    if code:
        events.append(SlotSet("product_code", code, timestamp=time + 0.3))
    events.append(ActionExecuted("action_listen", timestamp=time + 0.4))
    return events


def ours(db: Path, **kwargs: Any) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db), **kwargs)


def stock(db: Path) -> SQLTrackerStore:
    return SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
        ).fetchall()


def play(store: Any, sender: str, turns: list[list[Event]]) -> DialogueStateTracker:
    """What the processor does each turn: retrieve (or create), update, save."""
    tracker = None
    for events in turns:
        tracker = run(store.retrieve(sender)) or DialogueStateTracker(sender, DOMAIN.slots)
        for e in events:
            tracker.update(e)
        run(store.save(tracker))
    assert tracker is not None
    return tracker


TURNS = [
    turn("在吗", "greet", 100.0),
    turn("0201 M码有吗", "ask_size", 110.0, code="0201"),
    turn("那L呢", "ask_size", 120.0),
    turn("162 100斤", "ask_size", 130.0),
]


def statements(store: CachedSQLTrackerStore) -> list[str]:
    seen: list[str] = []
    sa_event.listen(store.engine, "before_cursor_execute", lambda *a: seen.append(a[2].split()[0].upper()))
    return seen


def test_writes_the_same_rows_as_rasa(tmp_path: Path) -> None:
    play(ours(tmp_path / "ours.db"), "c1", TURNS)
    play(stock(tmp_path / "stock.db"), "c1", TURNS)
    assert rows(tmp_path / "ours.db") == rows(tmp_path / "stock.db")
    assert len(rows(tmp_path / "ours.db")) == sum(len(t) for t in TURNS)


def test_reads_back_what_rasa_reads(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    played = play(ours(db), "c1", TURNS)
    fresh = run(stock(db).retrieve("c1"))
    assert list(fresh.events) == list(played.events)
    assert fresh.get_slot("product_code") == "0201"


def test_a_cached_turn_costs_a_count_and_one_insert(tmp_path: Path) -> None:
    store = ours(tmp_path / "t.db")
    play(store, "c1", TURNS[:2])
    seen = statements(store)
    play(store, "c1", TURNS[2:3])
    assert seen == ["SELECT", "INSERT"]  # no read of the events, no count of them on save
    assert store.cached_tracker("c1") is not None


def test_another_server_writing_is_noticed(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    a, b = ours(db), ours(db)
    play(a, "c1", TURNS[:2])
    play(b, "c1", TURNS[2:3])  # e.g. the chat moved to the other server
    tracker = play(a, "c1", TURNS[3:])
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "在吗",
        "0201 M码有吗",
        "那L呢",
        "162 100斤",
    ]
    assert list(run(stock(db).retrieve("c1")).events) == list(tracker.events)


def test_a_turn_that_failed_half_way_is_forgotten(tmp_path: Path) -> None:
    store = ours(tmp_path / "t.db")
    play(store, "c1", TURNS[:2])
    tracker = run(store.retrieve("c1"))
    tracker.update(UserUttered("lost", intent={"name": "greet", "confidence": 1.0}, timestamp=115.0))
    # no save: the action server failed, say
    assert store.cached_tracker("c1") is None
    again = run(store.retrieve("c1"))
    assert "lost" not in [e.text for e in again.events if isinstance(e, UserUttered)]
    assert list(again.events) == list(run(stock(tmp_path / "t.db").retrieve("c1")).events)


def test_a_new_session_reads_back_like_rasa(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = ours(db)
    play(store, "c1", TURNS[:2])
    new_session = [ActionExecuted("action_session_start", timestamp=200.0), SessionStarted(timestamp=200.1)]
    play(store, "c1", [new_session + turn("又来了", "greet", 201.0)])
    assert list(run(store.retrieve("c1")).events) == list(run(stock(db).retrieve("c1")).events)
    assert [e.text for e in run(store.retrieve("c1")).events if isinstance(e, UserUttered)] == ["又来了"]
    seen = statements(store)
    tracker = play(store, "c1", [turn("0201呢", "ask_size", 210.0)])  # still served from memory
    assert seen == ["SELECT", "INSERT"]
    assert list(tracker.events) == list(run(stock(db).retrieve("c1")).events)


def test_a_new_conversation_is_cached_from_its_first_turn(tmp_path: Path) -> None:
    store = ours(tmp_path / "t.db")
    seen = statements(store)
    play(store, "c1", TURNS[:1])
    assert seen.count("INSERT") == 1 and len(seen) == 3  # count on retrieve and on save, one insert
    seen.clear()
    play(store, "c1", TURNS[1:2])
    assert seen == ["SELECT", "INSERT"]


@pytest.mark.parametrize("size", [0, 2])
def test_a_small_or_no_cache_stays_correct(tmp_path: Path, size: int) -> None:
    db = tmp_path / "t.db"
    store = ours(db, cache_size=size)
    for sender in ("a", "b", "c"):
        play(store, sender, TURNS[:2])
    for sender in ("a", "b", "c"):
        play(store, sender, TURNS[2:])
    assert len(store._cache) <= size
    for sender in ("a", "b", "c"):
        assert list(run(store.retrieve(sender)).events) == list(run(stock(db).retrieve(sender)).events)
    assert len(rows(db)) == 3 * sum(len(t) for t in TURNS)
