"""desk.follow_ups: tasks come from stored drafts, once per open order and reason; list, claim, close."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from desk import follow_ups, store
from desk.follow_ups import Outcome
from shop.models import FollowUpTask, utcnow

STALE = {"order_id": "5021873340006", "reason": "tracking_stale"}  # tb_linlin's quiet T-shirt parcel
DAY = timedelta(hours=24)


def _store_draft(session: Session, meta: dict, *, now=None) -> int:  # noqa: ANN001
    conversation = store.ensure_conversation("telegram", 555, 777, session=session)
    draft = store.record_draft(
        conversation_id=conversation.id,
        inbound_id=None,
        texts=["亲，抱歉"],
        meta=meta,
        session=session,
        now=now,
    )
    return draft.id


def _open(session: Session) -> list[FollowUpTask]:
    return list(session.scalars(select(FollowUpTask).where(FollowUpTask.done_at.is_(None))))


def test_a_stored_draft_creates_the_task_it_asks_for_once(session: Session, demo: object) -> None:
    _store_draft(session, {"follow_up": "tracking_stale", "follow_ups": [STALE]})
    [task] = _open(session)
    assert (task.order_id, task.reason, task.claimed_by) == ("5021873340006", "tracking_stale", None)
    assert task.conversation_id is not None
    # The buyer asks again: the open task stays the only one.
    _store_draft(session, {"follow_ups": [STALE]})
    assert [t.id for t in _open(session)] == [task.id]
    # Another reason for the same order is another task.
    _store_draft(session, {"follow_ups": [{**STALE, "reason": "dispatch_overdue"}]})
    assert len(_open(session)) == 2


def test_after_closing_a_new_promise_opens_a_new_task(session: Session, demo: object) -> None:
    _store_draft(session, {"follow_ups": [STALE]})
    [task] = _open(session)
    assert follow_ups.close(task.id, 11, "已联系韵达，明天补发", session=session).outcome == Outcome.CLOSED
    _store_draft(session, {"follow_ups": [STALE]})
    [again] = _open(session)
    assert again.id != task.id


def test_malformed_or_unknown_requests_create_nothing_and_the_draft_is_kept(
    session: Session, demo: object
) -> None:
    meta = {
        "follow_ups": [
            "tracking_stale",
            {"order_id": "5021873340006"},
            {"order_id": "12", "reason": "tracking_stale"},
            {"order_id": "9999999999999", "reason": "tracking_stale"},
            {"order_id": 5021873340006, "reason": "tracking_stale"},
        ]
    }
    draft_id = _store_draft(session, meta)
    assert store.get_draft(draft_id, session=session) is not None
    assert session.scalar(select(func.count()).select_from(FollowUpTask)) == 0


def test_open_tasks_show_buyer_age_and_overdue(session: Session, demo: object) -> None:
    now = utcnow()
    _store_draft(session, {"follow_ups": [STALE]}, now=now - timedelta(hours=30))
    _store_draft(
        session, {"follow_ups": [{**STALE, "reason": "dispatch_overdue"}]}, now=now - timedelta(hours=2)
    )
    old, new = follow_ups.open_tasks(session=session, now=now, overdue_after=DAY)
    assert (old.buyer, old.order_id, old.reason, old.overdue) == (
        "tb_linlin",
        "5021873340006",
        "tracking_stale",
        True,
    )
    assert old.age == timedelta(hours=30)
    assert (new.reason, new.overdue, new.age) == ("dispatch_overdue", False, timedelta(hours=2))


def test_a_task_without_an_order_names_the_linked_buyer_of_its_chat(session: Session, demo: object) -> None:
    from shop.store.linking import ensure_verified_link

    conversation = store.ensure_conversation("telegram", 555, 777, session=session)
    ensure_verified_link("telegram", "777", "tb_linlin", session=session)
    follow_ups.ensure_follow_up(reason="complaint", conversation_id=conversation.id, session=session)
    [view] = follow_ups.open_tasks(session=session, now=utcnow(), overdue_after=DAY)
    assert (view.buyer, view.order_id) == ("tb_linlin", None)


def test_claim_is_won_once_and_close_needs_a_note(session: Session, demo: object) -> None:
    _store_draft(session, {"follow_ups": [STALE]})
    [task] = _open(session)
    assert follow_ups.claim(task.id, 11, session=session) == follow_ups.Result(Outcome.CLAIMED, task.id, "11")
    assert follow_ups.claim(task.id, 11, session=session).outcome == Outcome.ALREADY_YOURS
    assert follow_ups.claim(task.id, 12, session=session) == follow_ups.Result(
        Outcome.CLAIMED_BY_OTHER, task.id, "11"
    )
    assert follow_ups.claim(987654, 11, session=session).outcome == Outcome.NOT_OPEN
    for blank in (None, "", "   "):
        assert follow_ups.close(task.id, 12, blank, session=session).outcome == Outcome.NOTE_MISSING
    assert len(_open(session)) == 1
    when = utcnow()
    assert (
        follow_ups.close(task.id, 12, " 已催快递\x00 ", session=session, now=when).outcome == Outcome.CLOSED
    )
    session.refresh(task)
    assert (task.done_by, task.note, task.done_at) == ("12", "已催快递", when)
    assert follow_ups.close(task.id, 11, "再关一次", session=session).outcome == Outcome.NOT_OPEN
    assert follow_ups.claim(task.id, 12, session=session).outcome == Outcome.NOT_OPEN
    assert follow_ups.open_tasks(session=session, now=utcnow(), overdue_after=DAY) == []


def test_two_drafts_at_once_leave_one_task(engine: Engine, demo: object) -> None:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def store_one() -> None:
        try:
            with Session(engine) as session, session.begin():
                barrier.wait(timeout=10)
                follow_ups.ensure_follow_up(
                    reason="tracking_stale", order_id="5021873340006", session=session
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=store_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with Session(engine) as session:
        assert len(_open(session)) == 1
