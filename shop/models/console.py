"""The web console's own records: who may sign in (with which role) and what they did.

``ConsoleAccount``: one person's sign-in (argon2 hash, never the password) and
role. ``ConsoleAudit``: append-only, one row per action taken in the console
(sign-ins and failed ones included: the sign-in throttle counts those).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.models.base import Base, UTCDateTime, one_of, utcnow

CONSOLE_ROLES = ("agent", "supervisor", "trainer", "owner")


class ConsoleAccount(Base):
    """A person who signs in to the web console."""

    __tablename__ = "console_accounts"
    __table_args__ = (CheckConstraint(one_of("role", CONSOLE_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))


class ConsoleAudit(Base):
    """One thing someone did (or tried) in the console: who, what, on what, when."""

    __tablename__ = "console_audit"
    __table_args__ = (
        Index("ix_console_audit_at", "at"),
        Index("ix_console_audit_action_target", "action", "target", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    who: Mapped[str] = mapped_column(String(64))  # a username, or "-" before sign-in
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
