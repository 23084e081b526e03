"""desk.proactive: unpaid reminders and stale-parcel notices, recorded once, only to the order's buyer.

Driven with a controlled clock (`now`), never by waiting. The demo shop is built
relative to the real time: tb_linlin's 5021873340001 was placed an hour ago and not
paid; her 5021873340006 parcel has had no scan for four days.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk import proactive, store
from shop.models import FollowUpTask, Order, ProactiveMessage, utcnow
from shop.policy.config import load_policy
from shop.store.linking import ensure_verified_link, revoke_link

UNPAID_ORDER, STALE_ORDER, AHUA_ORDER = "5021873340001", "5021873340006", "5021873349001"
POLICY = load_policy()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _link(session: Session, user: str = "5001", buyer: str = "tb_linlin") -> None:
    store.ensure_conversation("telegram", user, user, session=session)
    ensure_verified_link("telegram", user, buyer, session=session)


def _record(session: Session, now: datetime) -> int:
    return proactive.record_due(session=session, now=now, policy=POLICY, channel="telegram")


def _rows(session: Session) -> dict[tuple[str, str], ProactiveMessage]:
    rows = session.scalars(select(ProactiveMessage).execution_options(populate_existing=True))
    return {(row.order_id, row.kind): row for row in rows}


def _to_send(session: Session, now: datetime) -> list[proactive.Outgoing]:
    return proactive.to_send(session=session, now=now, policy=POLICY, channel="telegram")


def test_due_messages_are_recorded_once_and_sent_once(session: Session, demo: object) -> None:
    _link(session)
    later = utcnow() + timedelta(hours=POLICY.remind_unpaid_after_hours)
    assert _record(session, later) == 2
    rows = _rows(session)
    assert set(rows) == {(UNPAID_ORDER, proactive.UNPAID), (STALE_ORDER, proactive.TRACKING_STALE)}
    assert {row.chat_id for row in rows.values()} == {"5001"}
    assert {row.status for row in rows.values()} == {"queued"}
    assert "针织打底连衣裙" in rows[UNPAID_ORDER, proactive.UNPAID].text
    assert "43100000000066" in rows[STALE_ORDER, proactive.TRACKING_STALE].text
    # The notice promises that someone chases the courier: an agent task exists for it.
    tasks = session.scalars(select(FollowUpTask.order_id).where(FollowUpTask.done_at.is_(None))).all()
    assert tasks == [STALE_ORDER]
    # A second run records nothing new; each queued message is handed out until marked sent.
    assert _record(session, later + timedelta(hours=1)) == 0
    outgoing = _to_send(session, later)
    assert len(outgoing) == 2
    for message in outgoing:
        assert proactive.mark(message.id, "sent", session=session, now=later)
        assert not proactive.mark(message.id, "sent", session=session, now=later)
    assert _to_send(session, later) == []
    # Days later the other parcel on the way has gone quiet too: only its notice is new.
    assert _record(session, later + timedelta(days=3)) == 1
    assert len(_rows(session)) == 3 and ("5021873340003", proactive.TRACKING_STALE) in _rows(session)


def test_nothing_before_the_policy_time_and_nothing_without_a_linked_chat(
    session: Session, demo: object
) -> None:
    later = utcnow() + timedelta(hours=POLICY.remind_unpaid_after_hours)
    assert _record(session, later) == 0  # nobody is linked: nobody to tell
    _link(session)
    assert _record(session, utcnow()) == 1  # the order is an hour old: only the quiet parcel
    assert set(_rows(session)) == {(STALE_ORDER, proactive.TRACKING_STALE)}


def test_another_buyers_order_is_never_told_to_this_chat(session: Session, demo: object) -> None:
    _link(session)
    session.execute(update(Order).where(Order.id == AHUA_ORDER).values(status="awaiting_payment"))
    later = utcnow() + timedelta(days=30)
    _record(session, later)
    assert AHUA_ORDER not in {order_id for order_id, _ in _rows(session)}
    _link(session, user="6001", buyer="tb_ahua")
    _record(session, later)
    assert _rows(session)[AHUA_ORDER, proactive.UNPAID].chat_id == "6001"


def test_a_queued_message_no_longer_true_or_no_longer_linked_is_skipped(
    session: Session, demo: object
) -> None:
    _link(session)
    later = utcnow() + timedelta(hours=POLICY.remind_unpaid_after_hours)
    _record(session, later)
    # Before it went out (a crash, say), the buyer paid and unlinked the chat.
    session.execute(update(Order).where(Order.id == UNPAID_ORDER).values(status="paid", paid_at=later))
    revoke_link("telegram", "5001", session=session)
    assert _to_send(session, later) == []
    rows = _rows(session)
    assert (
        rows[UNPAID_ORDER, proactive.UNPAID].status,
        rows[UNPAID_ORDER, proactive.UNPAID].skip_reason,
    ) == (
        "skipped",
        "no_longer_due",
    )
    assert rows[STALE_ORDER, proactive.TRACKING_STALE].skip_reason == "not_linked"


def test_a_chat_an_agent_has_taken_over_gets_nothing_until_released(session: Session, demo: object) -> None:
    _link(session)
    conversation = store.get_conversation("telegram", "5001", session=session)
    store.set_mode(conversation.id, "human", taken_over_by=11, session=session)
    now = utcnow()
    _record(session, now)
    assert _to_send(session, now) == []
    assert {row.status for row in _rows(session).values()} == {"queued"}
    store.set_mode(conversation.id, "bot", session=session)
    assert [m.chat_id for m in _to_send(session, now)] == ["5001"]


def test_a_text_failing_the_policy_check_is_never_sent(
    session: Session, demo: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    _link(session)
    monkeypatch.setattr(proactive, "_text", lambda kind, order: "这个我们不知道")
    _record(session, utcnow())
    [row] = _rows(session).values()
    assert (row.status, row.skip_reason) == ("skipped", "policy")
    assert _to_send(session, utcnow()) == []


@pytest.mark.parametrize(
    ("local", "quiet"),
    [("21:59", False), ("22:00", True), ("23:30", True), ("03:00", True), ("08:59", True), ("09:00", False)],
)
def test_quiet_hours_over_midnight(local: str, quiet: bool) -> None:
    hour, minute = map(int, local.split(":"))
    now = datetime(2026, 12, 7, hour, minute, tzinfo=SHANGHAI).astimezone(timezone.utc)
    assert proactive.in_quiet_hours(now, ("22:00", "09:00"), SHANGHAI) is quiet
    assert proactive.in_quiet_hours(now, None, SHANGHAI) is False
