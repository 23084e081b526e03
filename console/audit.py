"""Every console action, recorded with who, what and when (table console_audit)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.models.base import utcnow
from shop.models.console import ConsoleAudit


def record(
    who: str,
    action: str,
    target: str | int | None = None,
    *,
    detail: dict[str, Any] | None = None,
    session: Session,
    now: datetime | None = None,
) -> None:
    """Append one audit row in the caller's transaction (so it exists exactly when the action does)."""
    session.add(
        ConsoleAudit(
            at=now or utcnow(),
            who=who[:64],
            action=action[:32],
            target=None if target is None else str(target)[:128],
            detail=dict(detail or {}),
        )
    )
    session.flush()


def count_since(action: str, target: str, since: datetime, *, session: Session) -> int:
    stmt = select(func.count(ConsoleAudit.id)).where(
        ConsoleAudit.action == action, ConsoleAudit.target == target[:128], ConsoleAudit.at >= since
    )
    return int(session.scalar(stmt) or 0)


def recent(*, session: Session, limit: int = 200) -> list[ConsoleAudit]:
    stmt = select(ConsoleAudit).order_by(ConsoleAudit.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def window_start(now: datetime, seconds: int) -> datetime:
    return now - timedelta(seconds=seconds)
