"""The chat channel's own records: inbound messages, conversations, drafts, decisions.

Small, generic building blocks for the gateway (Telegram, simulator, agent
desk). State changes that two people may trigger at once (two agents pressing
"send") go through conditional UPDATEs, so exactly one of them wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.drafts import DraftState, can_move
from shop.db.engine import insert_ignoring_conflict, translate_db_errors
from shop.db.errors import InvalidInput
from shop.db.inputs import clean_text, normalise_order_id, require_choice, require_key, valid_row_id
from shop.models import (
    CONVERSATION_MODES,
    DECISION_ACTIONS,
    DRAFT_STATES,
    INBOUND_KINDS,
    INBOUND_STATUSES,
    OUTBOUND_STATUSES,
    AgentDecision,
    Conversation,
    Draft,
    FollowUpTask,
    InboundMessage,
    OutboundMessage,
    utcnow,
)

# Inbound messages still to be answered after a restart.
UNFINISHED_INBOUND = ("pending", "processing")


def _row_id(value: object, field: str) -> int:
    row_id = valid_row_id(value)
    if row_id is None:
        raise InvalidInput(f"{field} must be a positive integer id")
    return row_id


def _optional_key(value: object, field: str) -> str | None:
    return None if value is None else require_key(value, field)


# Telegram keeps an undelivered update at most 24 hours: a redelivery comes within that.
REDELIVERY_WINDOW = timedelta(hours=24)
_IDENTITY = ("chat_id", "user_id", "kind", "text", "file_id")


def _is_redelivery(row: InboundMessage, values: dict[str, Any]) -> bool:
    """The same update again: recent, and from the same chat and sender with the same content."""
    recent = row.received_at >= values["received_at"] - REDELIVERY_WINDOW
    return recent and all(getattr(row, name) == values[name] for name in _IDENTITY)


@translate_db_errors
def record_inbound(
    *,
    channel: str,
    update_key: str | int,
    chat_id: str | int,
    user_id: str | int,
    kind: str = "text",
    text: str | None = None,
    file_id: str | None = None,
    bot_id: str | int = "",
    session: Session,
    now: datetime | None = None,
) -> tuple[InboundMessage, bool]:
    """Store a received message once per (channel, bot_id, update_key); ``created`` is False for a redelivery.

    Update ids are not unique forever (Telegram starts over after a week idle or
    for a new bot): a stored row with the same key counts only when it is a
    redelivery (`_is_redelivery`); otherwise its key is retired (suffixed with
    its row id, the row itself kept) and the new message stored.
    """
    chan = require_key(channel, "channel", 32)
    bot = "" if bot_id in ("", None) else require_key(bot_id, "bot_id", 32)
    key = require_key(update_key, "update_key", 100)
    values = {
        "channel": chan,
        "bot_id": bot,
        "update_key": key,
        "chat_id": require_key(chat_id, "chat_id"),
        "user_id": require_key(user_id, "user_id"),
        # A kind the schema does not know is still a message someone sent.
        "kind": kind if kind in INBOUND_KINDS else "other",
        "text": clean_text(text),
        "file_id": None if file_id is None else require_key(file_id, "file_id", 256),
        "received_at": now or utcnow(),
        "status": "pending",
        "attempts": 0,
    }
    same_key = select(InboundMessage).where(
        InboundMessage.channel == chan, InboundMessage.bot_id == bot, InboundMessage.update_key == key
    )
    for _ in range(3):  # a concurrent writer of the same key can win a round
        created = insert_ignoring_conflict(
            session, InboundMessage, values, conflict=["channel", "bot_id", "update_key"]
        )
        row = session.scalars(same_key.execution_options(populate_existing=True)).one()
        if created or _is_redelivery(row, values):
            return row, created
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == row.id, InboundMessage.update_key == key)
            .values(update_key=f"{key}~{row.id}")
        )
    return row, False


@translate_db_errors
def mark_inbound(inbound_id: int, status: str, *, session: Session, now: datetime | None = None) -> bool:
    """Move an inbound message to ``status``; "processing" counts an attempt."""
    require_choice(status, "status", INBOUND_STATUSES)
    values: dict[str, Any] = {"status": status}
    if status == "processing":
        values["attempts"] = InboundMessage.attempts + 1
    elif status in ("done", "failed", "ignored"):
        values["processed_at"] = now or utcnow()
    stmt = (
        update(InboundMessage).where(InboundMessage.id == _row_id(inbound_id, "inbound_id")).values(**values)
    )
    return bool(session.execute(stmt).rowcount)


@translate_db_errors
def pending_inbound(
    *, session: Session, channel: str | None = None, limit: int = 100
) -> list[InboundMessage]:
    """Messages received but not finished (pending or processing), oldest first."""
    stmt = select(InboundMessage).where(InboundMessage.status.in_(UNFINISHED_INBOUND))
    if channel is not None:
        stmt = stmt.where(InboundMessage.channel == require_key(channel, "channel", 32))
    stmt = stmt.order_by(InboundMessage.received_at, InboundMessage.id).limit(limit)
    return list(session.scalars(stmt))


@translate_db_errors
def get_conversation(channel: str, chat_id: str | int, *, session: Session) -> Conversation | None:
    """The conversation of one chat, or ``None`` if it never wrote."""
    stmt = select(Conversation).where(
        Conversation.channel == require_key(channel, "channel", 32),
        Conversation.chat_id == require_key(chat_id, "chat_id"),
    )
    return session.scalars(stmt).one_or_none()


@translate_db_errors
def ensure_conversation(
    channel: str,
    chat_id: str | int,
    user_id: str | int,
    *,
    session: Session,
    now: datetime | None = None,
) -> Conversation:
    """The chat's conversation, created on first contact; marks it as just active."""
    now = now or utcnow()
    chan, chat = require_key(channel, "channel", 32), require_key(chat_id, "chat_id")
    user = require_key(user_id, "user_id")
    values = {"channel": chan, "chat_id": chat, "user_id": user, "mode": "bot", "blocked": False}
    insert_ignoring_conflict(
        session,
        Conversation,
        {**values, "created_at": now, "updated_at": now},
        conflict=["channel", "chat_id"],
    )
    session.execute(
        update(Conversation)
        .where(Conversation.channel == chan, Conversation.chat_id == chat)
        .values(user_id=user, updated_at=now)
    )
    stmt = select(Conversation).where(Conversation.channel == chan, Conversation.chat_id == chat)
    return session.scalars(stmt.execution_options(populate_existing=True)).one()


@translate_db_errors
def set_mode(
    conversation_id: int,
    mode: str,
    *,
    taken_over_by: str | int | None = None,
    expected_mode: str | None = None,
    session: Session,
    now: datetime | None = None,
) -> bool:
    """Hand the conversation to a human agent ("human") or back to the bot ("bot").

    With ``expected_mode`` the change only happens from that mode, so of two
    agents taking over at once only one succeeds. Returns whether it changed.
    """
    require_choice(mode, "mode", CONVERSATION_MODES)
    agent = _optional_key(taken_over_by, "taken_over_by") if mode == "human" else None
    stmt = update(Conversation).where(Conversation.id == _row_id(conversation_id, "conversation_id"))
    if expected_mode is not None:
        stmt = stmt.where(
            Conversation.mode == require_choice(expected_mode, "expected_mode", CONVERSATION_MODES)
        )
    stmt = stmt.values(mode=mode, taken_over_by=agent, updated_at=now or utcnow())
    return bool(session.execute(stmt).rowcount)


@translate_db_errors
def set_blocked(
    conversation_id: int, blocked: bool, *, session: Session, now: datetime | None = None
) -> bool:
    """Record that the user blocked (or unblocked) the bot in this chat."""
    stmt = (
        update(Conversation)
        .where(Conversation.id == _row_id(conversation_id, "conversation_id"))
        .values(blocked=bool(blocked), updated_at=now or utcnow())
    )
    return bool(session.execute(stmt).rowcount)


@translate_db_errors
def record_draft(
    *,
    conversation_id: int,
    inbound_id: int | None,
    texts: Sequence[str],
    intent: str | None = None,
    confidence: float | None = None,
    meta: dict[str, Any] | None = None,
    policy_violations: Sequence[Any] = (),
    auto_send: bool = False,
    route_reason: str | None = None,
    session: Session,
    now: datetime | None = None,
) -> Draft:
    """Store a drafted reply (state "pending"); ``meta`` must be JSON-serialisable."""
    draft = Draft(
        conversation_id=_row_id(conversation_id, "conversation_id"),
        inbound_id=None if inbound_id is None else _row_id(inbound_id, "inbound_id"),
        intent=_optional_key(intent, "intent"),
        confidence=confidence,
        texts=[clean_text(t) or "" for t in texts],
        meta=dict(meta or {}),
        policy_violations=list(policy_violations),
        auto_send=bool(auto_send),
        route_reason=None if route_reason is None else require_key(route_reason, "route_reason", 200),
        state=DraftState.PENDING,
        created_at=now or utcnow(),
        # Set explicitly: the ORM does not reload never-set attributes of a row
        # it inserted itself, so later UPDATEs of them would go unseen.
        card_chat_id=None,
        card_message_id=None,
        state_changed_at=None,
    )
    session.add(draft)
    session.flush()
    return draft


@translate_db_errors
def get_draft(draft_id: int, *, session: Session) -> Draft | None:
    """One draft by id, or ``None``."""
    row_id = valid_row_id(draft_id)
    return None if row_id is None else session.get(Draft, row_id)


@translate_db_errors
def claim_draft(
    draft_id: int,
    from_states: Iterable[str],
    to_state: str,
    *,
    session: Session,
    now: datetime | None = None,
) -> bool:
    """Move a draft from one of ``from_states`` to ``to_state``; True for the one caller that did.

    One conditional UPDATE: when two agents press at once, the second waits for
    the first's commit, no longer matches, and gets False (so it sends nothing).
    """
    sources = [require_choice(s, "from_states", DRAFT_STATES) for s in from_states]
    require_choice(to_state, "to_state", DRAFT_STATES)
    if not can_move(sources, to_state):
        raise InvalidInput(f"a draft cannot move from {', '.join(sources)} to {to_state}")
    row_id = valid_row_id(draft_id)
    if row_id is None or not sources:
        return False
    stmt = (
        update(Draft)
        .where(Draft.id == row_id, Draft.state.in_(sources))
        .values(state=to_state, state_changed_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(stmt).rowcount == 1


@translate_db_errors
def supersede_pending_drafts(
    conversation_id: int, *, except_id: int | None = None, session: Session, now: datetime | None = None
) -> int:
    """Mark the conversation's older pending drafts superseded (a newer message came)."""
    stmt = update(Draft).where(
        Draft.conversation_id == _row_id(conversation_id, "conversation_id"),
        Draft.state == DraftState.PENDING,
    )
    if except_id is not None:
        stmt = stmt.where(Draft.id != _row_id(except_id, "except_id"))
    stmt = stmt.values(state=DraftState.SUPERSEDED, state_changed_at=now or utcnow()).execution_options(
        synchronize_session="fetch"
    )
    return session.execute(stmt).rowcount


@translate_db_errors
def set_draft_card(
    draft_id: int, card_chat_id: str | int, card_message_id: str | int, *, session: Session
) -> bool:
    """Remember where the agent desk shows the draft, to edit that card later."""
    stmt = (
        update(Draft)
        .where(Draft.id == _row_id(draft_id, "draft_id"))
        .values(
            card_chat_id=require_key(card_chat_id, "card_chat_id"),
            card_message_id=require_key(card_message_id, "card_message_id"),
        )
        .execution_options(synchronize_session="fetch")
    )
    return bool(session.execute(stmt).rowcount)


@translate_db_errors
def pending_drafts(*, session: Session, older_than: datetime | None = None, limit: int = 100) -> list[Draft]:
    """Drafts still waiting for an agent, oldest first (``older_than``: only those created before)."""
    stmt = select(Draft).where(Draft.state == DraftState.PENDING)
    if older_than is not None:
        stmt = stmt.where(Draft.created_at < older_than)
    return list(session.scalars(stmt.order_by(Draft.created_at, Draft.id).limit(limit)))


@translate_db_errors
def record_decision(
    *,
    draft_id: int,
    agent_user_id: str | int,
    action: str,
    text: str | None = None,
    corrected_intent: str | None = None,
    session: Session,
    now: datetime | None = None,
) -> AgentDecision:
    """Store what an agent did with a draft (send/edit/reject/take_over/...)."""
    decision = AgentDecision(
        draft_id=_row_id(draft_id, "draft_id"),
        agent_user_id=require_key(agent_user_id, "agent_user_id"),
        action=require_choice(action, "action", DECISION_ACTIONS),
        text=clean_text(text),
        corrected_intent=None
        if corrected_intent is None
        else require_key(corrected_intent, "corrected_intent"),
        decided_at=now or utcnow(),
    )
    session.add(decision)
    session.flush()
    return decision


@translate_db_errors
def record_outbound(
    *,
    channel: str,
    chat_id: str | int,
    text: str,
    draft_id: int | None = None,
    status: str = "queued",
    external_message_id: str | int | None = None,
    session: Session,
    now: datetime | None = None,
) -> OutboundMessage:
    """Store a message to send (status "queued") or already sent (status "sent")."""
    require_choice(status, "status", OUTBOUND_STATUSES)
    now = now or utcnow()
    message = OutboundMessage(
        channel=require_key(channel, "channel", 32),
        chat_id=require_key(chat_id, "chat_id"),
        draft_id=None if draft_id is None else _row_id(draft_id, "draft_id"),
        text=clean_text(text) or "",
        status=status,
        created_at=now,
        sent_at=now if status == "sent" else None,
        external_message_id=_optional_key(external_message_id, "external_message_id"),
    )
    session.add(message)
    session.flush()
    return message


@translate_db_errors
def mark_outbound(
    outbound_id: int,
    status: str,
    *,
    external_message_id: str | int | None = None,
    session: Session,
    now: datetime | None = None,
) -> bool:
    """Record the result of sending: "sent" (with the channel's message id) or "failed"."""
    require_choice(status, "status", OUTBOUND_STATUSES)
    values: dict[str, Any] = {"status": status}
    if status == "sent":
        values["sent_at"] = now or utcnow()
        values["external_message_id"] = _optional_key(external_message_id, "external_message_id")
    stmt = (
        update(OutboundMessage)
        .where(OutboundMessage.id == _row_id(outbound_id, "outbound_id"))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return bool(session.execute(stmt).rowcount)


@translate_db_errors
def create_follow_up(
    *,
    reason: str,
    conversation_id: int | None = None,
    order_id: str | None = None,
    session: Session,
    now: datetime | None = None,
) -> FollowUpTask:
    """Ask an agent to follow something up (an order, a conversation, or both)."""
    task = FollowUpTask(
        conversation_id=None if conversation_id is None else _row_id(conversation_id, "conversation_id"),
        order_id=None if order_id is None else normalise_order_id(order_id),
        reason=clean_text(reason) or "",
        created_at=now or utcnow(),
        done_at=None,  # explicit for the same reason as in record_draft
        done_by=None,
        claimed_by=None,
        claimed_at=None,
        note=None,
    )
    session.add(task)
    session.flush()
    return task


@translate_db_errors
def open_follow_ups(*, session: Session, limit: int = 100) -> list[FollowUpTask]:
    """Follow-up tasks not done yet, oldest first."""
    stmt = (
        select(FollowUpTask)
        .where(FollowUpTask.done_at.is_(None))
        .order_by(FollowUpTask.created_at, FollowUpTask.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


@translate_db_errors
def claim_follow_up(task_id: int, agent: str | int, *, session: Session, now: datetime | None = None) -> bool:
    """An agent takes an open task (only one agent: False if claimed or done already)."""
    stmt = (
        update(FollowUpTask)
        .where(
            FollowUpTask.id == _row_id(task_id, "task_id"),
            FollowUpTask.done_at.is_(None),
            FollowUpTask.claimed_by.is_(None),
        )
        .values(claimed_by=require_key(agent, "agent"), claimed_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(stmt).rowcount == 1


@translate_db_errors
def complete_follow_up(
    task_id: int,
    *,
    done_by: str | int | None = None,
    note: str | None = None,
    session: Session,
    now: datetime | None = None,
) -> bool:
    """Mark a task done, with what was done (only once: False if it was already done or does not exist)."""
    stmt = (
        update(FollowUpTask)
        .where(FollowUpTask.id == _row_id(task_id, "task_id"), FollowUpTask.done_at.is_(None))
        .values(done_at=now or utcnow(), done_by=_optional_key(done_by, "done_by"), note=clean_text(note))
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(stmt).rowcount == 1
