"""Apply a proposed threshold: write it where routing reads it, and record who did it when.

The routing file is rewritten line by line by `nlu.evaluation.routing_file`
(the same writer `make thresholds` uses; plain YAML, no Rasa), so its comments
and alignment stay. The record is added to the caller's session before the
file is replaced: a failed write raises and the caller's transaction rolls back.
The gateway reads routing.yml when it starts: a change applies from its next start.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.analytics.period import Period
from desk.analytics.thresholds import Proposal
from desk.routing import NEVER_AUTO, load_routing
from nlu.evaluation.routing_file import update_text
from shop.models import utcnow
from shop.models.owner import ThresholdChange


class NotApplicable(ValueError):
    """The proposal cannot be applied; ``code`` says why (always_agent, not_enough, unchanged)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a reader never sees half a file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def apply_proposal(
    proposal: Proposal,
    *,
    routing_file: Path,
    applied_by: str,
    period: Period | None,
    session: Session,
    now: datetime | None = None,
) -> ThresholdChange:
    """Write ``proposal`` into ``routing_file`` and record it (the caller commits)."""
    if proposal.intent in NEVER_AUTO:
        raise NotApplicable("always_agent")
    new = proposal.new_route
    if new is None:
        raise NotApplicable(proposal.status)
    if not applied_by or not applied_by.strip():
        raise ValueError("say who applies it")
    current = load_routing(routing_file).route_for(proposal.intent)
    if current.auto_send == new.auto_send and (
        not new.auto_send or round(current.threshold, 2) == new.threshold
    ):
        raise NotApplicable("unchanged")
    old_text = routing_file.read_text(encoding="utf-8")
    new_text = update_text(old_text, {proposal.intent: new.threshold if new.auto_send else None})
    change = ThresholdChange(
        intent=proposal.intent,
        old_auto_send=current.auto_send,
        old_threshold=current.threshold,
        new_auto_send=new.auto_send,
        new_threshold=new.threshold,
        precision=proposal.precision,
        coverage=proposal.coverage,
        decisions=proposal.decisions,
        period_start=None if period is None else period.start,
        period_end=None if period is None else period.end,
        applied_by=applied_by.strip()[:64],
        applied_at=now or utcnow(),
    )
    session.add(change)
    session.flush()
    _replace(routing_file, new_text)
    return change


def threshold_history(*, session: Session, limit: int = 50) -> list[ThresholdChange]:
    """The latest applied changes, newest first."""
    stmt = select(ThresholdChange).order_by(ThresholdChange.applied_at.desc(), ThresholdChange.id.desc())
    return list(session.scalars(stmt.limit(limit)))
