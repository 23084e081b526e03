"""desk.store: the gateway's records, idempotent and race-safe."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from desk import store as cs
from shop.db.errors import InvalidInput, InvalidOrderId
from shop.models import utcnow


def _inbound(session: Session, key: str = "1", **extra):  # noqa: ANN003, ANN202
    values = {"channel": "telegram", "update_key": key, "chat_id": 555, "user_id": 777, "text": "你好"}
    return cs.record_inbound(**{**values, **extra}, session=session)


def _draft(session: Session, **extra):  # noqa: ANN003, ANN202
    conversation = cs.ensure_conversation("telegram", 555, 777, session=session)
    inbound, _ = _inbound(session, key=str(extra.pop("key", "1")))
    values = {
        "conversation_id": conversation.id,
        "inbound_id": inbound.id,
        "texts": ["亲，您好"],
        "intent": "greet",
        "confidence": 0.93,
        "meta": {"action": "action_greet", "facts": {"价格": "699.00"}},
        "policy_violations": [],
        "auto_send": False,
        "route_reason": "low_confidence",
    }
    return cs.record_draft(**{**values, **extra}, session=session)


def test_record_inbound_is_idempotent(session: Session) -> None:
    first, created = _inbound(session, kind="text")
    assert created and first.status == "pending" and first.attempts == 0
    assert (first.chat_id, first.user_id, first.text) == ("555", "777", "你好")
    session.commit()
    again, created_again = _inbound(session)  # Telegram delivers the same update again
    assert not created_again and again.id == first.id and again.text == "你好"
    other_channel, created_other = _inbound(session, channel="simulator")
    assert created_other and other_channel.id != first.id


def test_a_reused_update_key_is_a_new_message_not_a_redelivery(session: Session) -> None:
    """Telegram starts update ids over after a week idle or for a new bot: those are new messages."""
    week_ago = utcnow() - timedelta(days=8)
    old, _ = _inbound(session, key="41", now=week_ago)
    session.commit()
    # The same id a week later, even with the same text: the old one cannot be redelivered any more.
    new, created = _inbound(session, key="41")
    assert created and new.id != old.id and new.update_key == "41"
    session.refresh(old)
    assert old.update_key == f"41~{old.id}" and old.text == "你好"  # the old message is kept
    # Within a day, but another message under the same id (ids started over with a new token).
    other, created_other = _inbound(session, key="41", text="新的问题")
    assert created_other and other.text == "新的问题"
    # Another bot's update 41 is its own.
    _, created_for_other_bot = _inbound(session, key="41", text="新的问题", bot_id="424242")
    assert created_for_other_bot
    # And a real redelivery of the newest one is still recognised.
    _, again = _inbound(session, key="41", text="新的问题")
    assert not again


def test_inbound_kinds(session: Session) -> None:
    photo, _ = _inbound(session, key="p", kind="photo", text=None, file_id="AgAD-file")
    assert (photo.kind, photo.file_id, photo.text) == ("photo", "AgAD-file", None)
    odd, _ = _inbound(session, key="o", kind="video_note")
    assert odd.kind == "other"


def test_inbound_processing_and_recovery(session: Session) -> None:
    done, _ = _inbound(session, key="1")
    stuck, _ = _inbound(session, key="2")
    fresh, _ = _inbound(session, key="3")
    assert cs.mark_inbound(done.id, "processing", session=session)
    assert cs.mark_inbound(done.id, "done", session=session)
    assert cs.mark_inbound(stuck.id, "processing", session=session)
    session.commit()
    session.expire_all()
    pending = cs.pending_inbound(session=session)
    assert [m.id for m in pending] == [stuck.id, fresh.id]
    assert pending[0].attempts == 1 and pending[0].status == "processing"
    assert done.processed_at is not None and done.status == "done"
    assert cs.pending_inbound(session=session, channel="simulator") == []
    with pytest.raises(InvalidInput):
        cs.mark_inbound(done.id, "exploded", session=session)


def test_conversations(session: Session) -> None:
    assert cs.get_conversation("telegram", 555, session=session) is None
    t0 = utcnow()
    conv = cs.ensure_conversation("telegram", 555, 777, session=session, now=t0)
    assert (conv.mode, conv.blocked, conv.taken_over_by) == ("bot", False, None)
    later = t0 + timedelta(minutes=5)
    again = cs.ensure_conversation("telegram", "555", "777", session=session, now=later)
    assert again.id == conv.id and again.updated_at == later and again.created_at == t0
    assert cs.get_conversation("telegram", "555", session=session).id == conv.id

    assert cs.set_mode(conv.id, "human", taken_over_by=42, expected_mode="bot", session=session)
    # A second agent pressing "take over" at the same time loses.
    assert not cs.set_mode(conv.id, "human", taken_over_by=43, expected_mode="bot", session=session)
    session.expire_all()
    conv = cs.get_conversation("telegram", 555, session=session)
    assert (conv.mode, conv.taken_over_by) == ("human", "42")
    assert cs.set_mode(conv.id, "bot", session=session)
    session.expire_all()
    assert cs.get_conversation("telegram", 555, session=session).taken_over_by is None
    assert cs.set_blocked(conv.id, True, session=session)
    with pytest.raises(InvalidInput):
        cs.set_mode(conv.id, "robot", session=session)


def test_drafts_and_claim(session: Session) -> None:
    draft = _draft(session)
    assert draft.state == "pending" and draft.meta["facts"]["价格"] == "699.00"
    session.commit()
    assert cs.claim_draft(draft.id, ["pending"], "sent", session=session)
    assert not cs.claim_draft(draft.id, ["pending"], "sent", session=session)
    assert draft.state == "sent" and draft.state_changed_at is not None
    assert not cs.claim_draft(10**9, ["pending"], "sent", session=session)
    with pytest.raises(InvalidInput):
        cs.claim_draft(draft.id, ["pending"], "teleported", session=session)


def test_supersede_cards_and_pending(session: Session) -> None:
    old = _draft(session, key="1")
    new = _draft(session, key="2")
    assert cs.supersede_pending_drafts(new.conversation_id, except_id=new.id, session=session) == 1
    assert old.state == "superseded" and new.state == "pending"
    assert cs.set_draft_card(new.id, -100123, 99, session=session)
    assert (new.card_chat_id, new.card_message_id) == ("-100123", "99")
    assert [d.id for d in cs.pending_drafts(session=session)] == [new.id]
    assert cs.pending_drafts(session=session, older_than=new.created_at) == []
    assert cs.get_draft(new.id, session=session) is new
    assert cs.get_draft(-1, session=session) is None


def test_decisions_and_outbound(session: Session) -> None:
    draft = _draft(session)
    decision = cs.record_decision(
        draft_id=draft.id, agent_user_id=42, action="edit", text="亲，已为您改好", session=session
    )
    assert decision.decided_at is not None and decision.agent_user_id == "42"
    teach = cs.record_decision(
        draft_id=draft.id, agent_user_id=42, action="teach", corrected_intent="ask_size", session=session
    )
    assert teach.corrected_intent == "ask_size"
    with pytest.raises(InvalidInput):
        cs.record_decision(draft_id=draft.id, agent_user_id=42, action="shrug", session=session)

    queued = cs.record_outbound(
        channel="telegram", chat_id=555, text="亲，已为您改好", draft_id=draft.id, session=session
    )
    assert (queued.status, queued.sent_at) == ("queued", None)
    assert cs.mark_outbound(queued.id, "sent", external_message_id=321, session=session)
    assert (queued.status, queued.external_message_id) == ("sent", "321") and queued.sent_at is not None
    direct = cs.record_outbound(
        channel="simulator", chat_id="tb_linlin", text="hi", status="sent", session=session
    )
    assert direct.sent_at is not None and direct.draft_id is None


def test_follow_ups(session: Session, demo: object) -> None:
    conv = cs.ensure_conversation("telegram", 555, 777, session=session)
    task = cs.create_follow_up(
        reason="stale_tracking", conversation_id=conv.id, order_id="5021873340006", session=session
    )
    assert task.created_at is not None and task.done_at is None
    assert [t.id for t in cs.open_follow_ups(session=session)] == [task.id]
    assert cs.complete_follow_up(task.id, done_by=42, session=session)
    assert not cs.complete_follow_up(task.id, done_by=43, session=session)
    assert task.done_by == "42" and cs.open_follow_ups(session=session) == []
    with pytest.raises(InvalidOrderId):
        cs.create_follow_up(reason="x", order_id="12", session=session)


def test_a_follow_up_is_claimed_by_one_agent_and_closed_with_a_note(session: Session, demo: object) -> None:
    task = cs.create_follow_up(reason="stale_tracking", order_id="5021873340006", session=session)
    assert cs.claim_follow_up(task.id, "web:amy", session=session)
    assert not cs.claim_follow_up(task.id, "web:bob", session=session)
    assert cs.complete_follow_up(task.id, done_by="web:amy", note="已联系快递", session=session)
    assert (task.claimed_by, task.note) == ("web:amy", "已联系快递")
    assert not cs.claim_follow_up(task.id, "web:bob", session=session)  # done: nothing to claim


def test_two_agents_send_once(engine: Engine) -> None:
    """Two sessions claim the same draft at the same moment: exactly one wins."""
    with Session(engine) as session, session.begin():
        draft_id = _draft(session).id
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def press() -> None:
        with Session(engine) as session, session.begin():
            barrier.wait(timeout=10)
            results.append(cs.claim_draft(draft_id, ["pending"], "sent", session=session))

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
