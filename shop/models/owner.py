"""What the shop owner changed: auto-send thresholds applied from agents' decisions.

``ThresholdChange``: one intent's routing line rewritten by ``desk.analytics.apply``,
with the evidence it was proposed on (precision, coverage, decisions) and who
applied it when, so a later look at the numbers can tell which rule was in force.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.models.base import Base, UTCDateTime, utcnow


class ThresholdChange(Base):
    """One applied auto-send threshold (new ``threshold`` None: never auto-sent)."""

    __tablename__ = "threshold_changes"
    __table_args__ = (Index("ix_threshold_changes_intent", "intent", "applied_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intent: Mapped[str] = mapped_column(String(64))
    old_auto_send: Mapped[bool] = mapped_column(Boolean)
    old_threshold: Mapped[float] = mapped_column(Float)
    new_auto_send: Mapped[bool] = mapped_column(Boolean)
    new_threshold: Mapped[float] = mapped_column(Float)
    # The evidence: unchanged-send precision and coverage at the new threshold, over `decisions`.
    precision: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[float | None] = mapped_column(Float)
    decisions: Mapped[int] = mapped_column(Integer, default=0)
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    applied_by: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
