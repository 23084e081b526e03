"""Queries the Telegram agent desk needs beyond ``desk.store``.

Finding a draft by its card, the next message of one chat, the chat's recent
messages for a card's context, agents on duty. Writes that two agents may race
on stay in ``desk.store`` (conditional UPDATEs).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.drafts import OPEN
from desk.store import UNFINISHED_INBOUND
from shop.db.engine import translate_db_errors
from shop.models import AgentDecision, Conversation, Draft, InboundMessage, utcnow
from shop.models.training import AgentDuty


@translate_db_errors
def next_inbound(channel: str, chat_id: str, *, session: Session) -> InboundMessage | None:
    """The chat's oldest unfinished message: the one to handle next, in order."""
    stmt = (
        select(InboundMessage)
        .where(
            InboundMessage.channel == channel,
            InboundMessage.chat_id == chat_id,
            InboundMessage.status.in_(UNFINISHED_INBOUND),
        )
        .order_by(InboundMessage.id)
        .limit(1)
    )
    return session.scalars(stmt).first()


@translate_db_errors
def chats_with_unfinished(channel: str, *, session: Session) -> list[str]:
    """Chats with messages received but not finished (picked up again at start-up)."""
    stmt = (
        select(InboundMessage.chat_id)
        .where(InboundMessage.channel == channel, InboundMessage.status.in_(UNFINISHED_INBOUND))
        .group_by(InboundMessage.chat_id)
        .order_by(func.min(InboundMessage.id))
    )
    return list(session.scalars(stmt))


@translate_db_errors
def recent_texts(channel: str, chat_id: str, *, before_id: int, limit: int, session: Session) -> list[str]:
    """The chat's last ``limit`` text messages before ``before_id``, oldest first."""
    stmt = (
        select(InboundMessage.text)
        .where(
            InboundMessage.channel == channel,
            InboundMessage.chat_id == chat_id,
            InboundMessage.id < before_id,
            InboundMessage.text.is_not(None),
        )
        .order_by(InboundMessage.id.desc())
        .limit(limit)
    )
    return list(reversed(list(session.scalars(stmt))))


@translate_db_errors
def draft_for_card(card_chat_id: str, card_message_id: str, *, session: Session) -> Draft | None:
    """The draft shown on this desk card, or ``None``."""
    stmt = select(Draft).where(Draft.card_chat_id == card_chat_id, Draft.card_message_id == card_message_id)
    return session.scalars(stmt).first()


@translate_db_errors
def last_draft(conversation_id: int, *, session: Session) -> Draft | None:
    """The conversation's newest draft."""
    stmt = select(Draft).where(Draft.conversation_id == conversation_id).order_by(Draft.id.desc()).limit(1)
    return session.scalars(stmt).first()


@translate_db_errors
def waiting_drafts(conversation_id: int, *, before_id: int | None = None, session: Session) -> int:
    """How many drafts of the conversation still wait for an agent (all, or those before ``before_id``)."""
    stmt = select(func.count(Draft.id)).where(
        Draft.conversation_id == conversation_id,
        Draft.state.in_(OPEN),
        Draft.auto_send.is_(False),
    )
    if before_id is not None:
        stmt = stmt.where(Draft.id < before_id)
    return int(session.scalar(stmt) or 0)


@translate_db_errors
def unfinished_drafts(channel: str, *, session: Session, limit: int = 500) -> list[Draft]:
    """The channel's drafts still pending or overdue, oldest first (re-armed at start-up).

    Only one channel's: another front end's chats (the simulator's) are not the gateway's to
    post as cards or to send to."""
    stmt = (
        select(Draft)
        .join(Conversation, Conversation.id == Draft.conversation_id)
        .where(Draft.state.in_(OPEN), Conversation.channel == channel)
        .order_by(Draft.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


@translate_db_errors
def last_proposed_text(draft_id: int, *, session: Session) -> str | None:
    """The newest text an agent proposed for a draft (what ``/override`` sends)."""
    stmt = (
        select(AgentDecision.text)
        .where(AgentDecision.draft_id == draft_id, AgentDecision.action == "edit")
        .order_by(AgentDecision.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


@translate_db_errors
def set_on_duty(agent_user_id: str, on_duty: bool, *, session: Session, now: datetime | None = None) -> int:
    """Switch one agent on or off duty; returns how many agents are on duty now."""
    row = session.get(AgentDuty, agent_user_id)
    if row is None:
        row = AgentDuty(agent_user_id=agent_user_id)
        session.add(row)
    row.on_duty = on_duty
    row.changed_at = now or utcnow()
    session.flush()
    return agents_on_duty(session=session)


@translate_db_errors
def agents_on_duty(*, session: Session) -> int:
    """How many agents are on duty (nobody by default)."""
    return int(session.scalar(select(func.count()).where(AgentDuty.on_duty.is_(True))) or 0)


@translate_db_errors
def conversation_by_id(conversation_id: int, *, session: Session) -> Conversation | None:
    """One conversation by id."""
    return session.get(Conversation, conversation_id)


@translate_db_errors
def last_decision_at(conversation_id: int, *, session: Session) -> datetime | None:
    """When an agent last acted on one of the conversation's drafts (None: never)."""
    stmt = (
        select(func.max(AgentDecision.decided_at))
        .join(Draft, Draft.id == AgentDecision.draft_id)
        .where(Draft.conversation_id == conversation_id)
    )
    return session.scalar(stmt)
