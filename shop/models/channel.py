"""The chat channel's own records: conversations, messages, drafts, agent decisions.

Ids coming from a channel (chat ids, user ids, message ids) are stored as text so
every channel (Telegram's integers, the simulator's names) fits the same columns.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text as sql_text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.base import Base, UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from shop.models.orders import Order

CONVERSATION_MODES = ("bot", "human")
INBOUND_KINDS = ("text", "photo", "voice", "sticker", "document", "other")
INBOUND_STATUSES = ("pending", "processing", "done", "failed", "ignored")
DRAFT_STATES = ("pending", "sent", "rejected", "superseded", "overdue")
DECISION_ACTIONS = ("send", "edit", "reject", "take_over", "release", "teach", "override")
# The decisions that send a draft to the buyer (as drafted, edited, or with the agent's own text).
SENDING_ACTIONS = ("send", "edit", "override")
OUTBOUND_STATUSES = ("queued", "sent", "failed")
# recorded before sending; skipped: no longer true at send time (paid, scanned) or not allowed
PROACTIVE_STATUSES = ("queued", "sent", "skipped")


class Conversation(Base):
    """One chat on one channel and who is answering it (bot or a human agent)."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id"),
        CheckConstraint(one_of("mode", CONVERSATION_MODES), name="mode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(8), default="bot")
    taken_over_by: Mapped[str | None] = mapped_column(String(64))
    # When the current mode began: human mode ends after a quiet time (desk/human_mode.py).
    mode_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InboundMessage(Base):
    """A message received from a channel; ``update_key`` dedups redelivered updates.

    Unique per channel and bot, so two channels' or two bots' update counters
    cannot collide; a key the channel reuses later (Telegram does after a week
    idle) retires the old row's key (``desk.store.record_inbound``).
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "bot_id", "update_key"),
        CheckConstraint(one_of("kind", INBOUND_KINDS), name="kind"),
        CheckConstraint(one_of("status", INBOUND_STATUSES), name="status"),
        Index("ix_inbound_messages_status", "status", "received_at"),
        # A chat's messages in order: the web console's conversation page, a chat's next message.
        Index("ix_inbound_messages_chat", "channel", "chat_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    # The receiving bot (Telegram: the token's part before ":"); '' where there is none.
    bot_id: Mapped[str] = mapped_column(String(32), default="", server_default="")
    update_key: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="text")
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(256))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Draft(Base):
    """A reply the bot drafted for an inbound message, and what became of it."""

    __tablename__ = "drafts"
    __table_args__ = (
        CheckConstraint(one_of("state", DRAFT_STATES), name="state"),
        Index("ix_drafts_state", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inbound_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_messages.id", ondelete="SET NULL"), index=True
    )
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    texts: Mapped[list[str]] = mapped_column(JSON, default=list)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    policy_violations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    auto_send: Mapped[bool] = mapped_column(Boolean, default=False)
    route_reason: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    # Where the agent desk shows this draft (so the card can be edited later).
    card_chat_id: Mapped[str | None] = mapped_column(String(64))
    card_message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    conversation: Mapped[Conversation] = relationship()
    inbound: Mapped[InboundMessage | None] = relationship()


class AgentDecision(Base):
    """What an agent did with a draft (or a conversation, through its draft)."""

    __tablename__ = "agent_decisions"
    __table_args__ = (CheckConstraint(one_of("action", DECISION_ACTIONS), name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    agent_user_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    corrected_intent: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboundMessage(Base):
    """A message sent (or being sent) to a chat, by the bot or on an agent's say-so."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        CheckConstraint(one_of("status", OUTBOUND_STATUSES), name="status"),
        # The gateway's outbox polls the queued rows; the console's conversation page reads a chat's.
        Index("ix_outbound_messages_status", "status", "channel", "id"),
        Index("ix_outbound_messages_chat", "channel", "chat_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_message_id: Mapped[str | None] = mapped_column(String(64))


class FollowUpTask(Base):
    """Something an agent must follow up (stale tracking, complaint, ...).

    At most one open task per order and reason (a partial unique index), so a
    buyer asking again, or two drafts at once, add no second task.
    """

    __tablename__ = "follow_up_tasks"
    __table_args__ = (
        Index(
            "uq_follow_up_tasks_open",
            "order_id",
            "reason",
            unique=True,
            sqlite_where=sql_text("done_at IS NULL"),
            postgresql_where=sql_text("done_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str | None] = mapped_column(String(64))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)  # what the agent did, written when closing

    conversation: Mapped[Conversation | None] = relationship()
    order: Mapped[Order | None] = relationship()


class ProactiveMessage(Base):
    """A message the shop sends a buyer unasked (unpaid reminder, stale parcel notice).

    Recorded before it is sent and unique per order and kind: never sent twice,
    and a row still "queued" after a crash is sent at the next run.
    """

    __tablename__ = "proactive_messages"
    __table_args__ = (
        UniqueConstraint("order_id", "kind"),
        CheckConstraint(one_of("status", PROACTIVE_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    skip_reason: Mapped[str | None] = mapped_column(String(64))
