"""Concurrent linking attempts on one order: the lock-out counts every one of them.

The gateway reads its clock for an attempt before the attempt waits for the
order's lock (shop.store.linking `_serialise`), so under load attempts reach the
lock in another order than their clocks were read: a guess stamped a moment
earlier may come after one stamped later. Each must still count the other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from shop.db.errors import LinkingLocked
from shop.models import Buyer, Order, utcnow
from shop.store.linking import MAX_TARGET_FAILURES, _order_key, _serialise, link_chat

ORDER = "5021873340003"  # linlin's
GUESSERS = MAX_TARGET_FAILURES + 1


def _guess(session: Session, account: int, now: datetime) -> str:
    """One wrong guess from its own chat account: "failed", "locks" (it set the lock) or "refused"."""
    try:
        result = link_chat("telegram", f"guess{account}", ORDER, "0000", session=session, now=now)
    except LinkingLocked:
        return "refused"
    assert not result.linked
    return "locks" if result.locked_until is not None else "failed"


EXPECTED = ["failed"] * (MAX_TARGET_FAILURES - 1) + ["locks", "refused"]


def test_a_guess_stamped_before_the_ones_ahead_of_it_still_counts_them(demo_session: Session) -> None:
    """Attempts in the order they reached the lock, each clock read a second before the previous one's."""
    start = utcnow()
    outcomes = []
    for account in range(GUESSERS):
        outcomes.append(_guess(demo_session, account, start - timedelta(seconds=account)))
        demo_session.commit()
    assert outcomes == EXPECTED


@pytest.fixture
def pg_demo(pg_url: str, demo_data: dict) -> Engine:
    from shop.db.engine import make_engine
    from shop.demo import load_demo

    engine = make_engine(pg_url)
    with Session(engine) as session, session.begin():
        load_demo(session, data=demo_data)
    return engine


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = utcnow() + timedelta(seconds=30)
    stop = threading.Event()
    while not condition():
        assert utcnow() < deadline, f"timed out waiting for {what}"
        stop.wait(0.01)


def test_concurrent_guesses_queued_on_the_lock_are_all_counted_on_postgresql(pg_demo: Engine) -> None:
    """Guesses from several accounts wait on PostgreSQL's lock for the order, queued in a known order
    while their clocks were read the other way round (as two busy chat workers may): five lock it."""
    with Session(pg_demo) as s:
        buyer_id = s.scalar(select(Buyer.id).join(Order, Order.buyer_id == Buyer.id).where(Order.id == ORDER))
    holder = Session(pg_demo)
    holder.begin()
    _serialise(holder, f"link-order:{_order_key(ORDER)}", f"link-buyer:{buyer_id}")

    def waiting() -> int:
        with pg_demo.connect() as conn:
            return conn.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            )

    start = utcnow()
    outcomes: dict[int, str] = {}
    errors: list[BaseException] = []

    def attempt(account: int, now: datetime) -> None:
        try:
            with Session(pg_demo) as session, session.begin():
                outcomes[account] = _guess(session, account, now)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    threads = []
    for account in range(GUESSERS):
        # Queued behind the ones before it, with a clock read a second before theirs.
        thread = threading.Thread(target=attempt, args=(account, start - timedelta(seconds=account)))
        thread.start()
        threads.append(thread)
        _wait_for(lambda n=account + 1: waiting() == n, f"{account + 1} guesses waiting on the lock")
    holder.rollback()
    holder.close()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert [outcomes[a] for a in range(GUESSERS)] == EXPECTED
