"""Records for the people who improve the model and the desk's own state.

``TrainerInboxItem``: a buyer message the model got wrong or was unsure of
(rejected or heavily edited drafts, low confidence, nothing handled), waiting
for a trainer to label it. ``AgentDuty``: which desk agents are on duty
(``human_first`` routing needs to know).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shop.models.base import Base, UTCDateTime, one_of, utcnow

INBOX_REASONS = ("rejected", "edited", "low_confidence", "unhandled")
INBOX_STATUSES = ("new", "labelled", "dismissed")


class TrainerInboxItem(Base):
    """One buyer message for the trainers, with what the model made of it."""

    __tablename__ = "trainer_inbox"
    __table_args__ = (
        CheckConstraint(one_of("reason", INBOX_REASONS), name="reason"),
        CheckConstraint(one_of("status", INBOX_STATUSES), name="status"),
        Index("ix_trainer_inbox_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    model_intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    runner_up_intent: Mapped[str | None] = mapped_column(String(64))
    runner_up_confidence: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(16))
    agent_intent: Mapped[str | None] = mapped_column(String(64))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="new")


class AgentDuty(Base):
    """Whether one desk agent is on duty (absent row: off duty)."""

    __tablename__ = "agent_duty"

    agent_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
