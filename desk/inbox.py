"""The trainers' inbox: buyer messages the model should learn from.

The gateway adds an item when an agent rejects or heavily edits a draft, when
the model was unsure, or when nothing handled the message; a trainer tool lists
them (newest work first) and labels them, or dismisses them. The intent a
trainer chose is kept in the trainer's journal (var/trainer/labels.jsonl,
trainer/journal.py): the inbox table has no column for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shop.db.engine import translate_db_errors
from shop.db.errors import InvalidInput
from shop.models import Draft
from shop.models.base import utcnow
from shop.models.training import INBOX_REASONS, INBOX_STATUSES, TrainerInboxItem


def runner_up(intent_ranking: list[dict[str, Any]], intent: str | None) -> tuple[str | None, float | None]:
    """The best-ranked intent other than ``intent`` (name, confidence), if any."""
    for entry in intent_ranking or []:
        name = entry.get("name")
        if name and name != intent:
            return name, float(entry.get("confidence") or 0.0)
    return None, None


@translate_db_errors
def add_item(
    *,
    text: str,
    reason: str,
    model_intent: str | None = None,
    confidence: float | None = None,
    runner_up_intent: str | None = None,
    runner_up_confidence: float | None = None,
    agent_intent: str | None = None,
    draft_id: int | None = None,
    session: Session,
    now: datetime | None = None,
) -> TrainerInboxItem:
    """Put one message in the inbox (status "new")."""
    if reason not in INBOX_REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(INBOX_REASONS)}")
    item = TrainerInboxItem(
        text=text,
        reason=reason,
        model_intent=model_intent,
        confidence=confidence,
        runner_up_intent=runner_up_intent,
        runner_up_confidence=runner_up_confidence,
        agent_intent=agent_intent,
        draft_id=draft_id,
        created_at=now or utcnow(),
        status="new",
    )
    session.add(item)
    session.flush()
    return item


def add_from_draft(
    draft: Draft,
    reason: str,
    *,
    ranking: list[dict[str, Any]] | None = None,
    text: str | None = None,
    session: Session,
    now: datetime | None = None,
) -> TrainerInboxItem:
    """Put a stored draft's buyer message in the inbox with the model's guess and its runner-up.

    ``ranking`` and ``text`` default to what the draft row keeps (its card's
    ranking, its inbound message); the gateway passes the model's own when it has them.
    """
    if ranking is None:
        ranking = (draft.meta or {}).get("intent_ranking") or []
    if text is None:
        text = (draft.inbound.text if draft.inbound else None) or ""
    second, second_conf = runner_up(ranking, draft.intent)
    return add_item(
        text=text,
        reason=reason,
        model_intent=draft.intent,
        confidence=draft.confidence,
        runner_up_intent=second,
        runner_up_confidence=second_conf,
        draft_id=draft.id,
        session=session,
        now=now,
    )


@translate_db_errors
def set_agent_intent(draft_id: int, intent: str, *, session: Session) -> int:
    """Record the intent an agent picked for a draft's inbox items; how many changed."""
    stmt = update(TrainerInboxItem).where(TrainerInboxItem.draft_id == draft_id).values(agent_intent=intent)
    return session.execute(stmt).rowcount


@translate_db_errors
def list_items(
    *, session: Session, status: str | None = "new", reason: str | None = None, limit: int = 100
) -> list[TrainerInboxItem]:
    """Inbox items, oldest first, filtered by status (None: all) and reason."""
    stmt = select(TrainerInboxItem)
    if status is not None:
        if status not in INBOX_STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(INBOX_STATUSES)}")
        stmt = stmt.where(TrainerInboxItem.status == status)
    if reason is not None:
        stmt = stmt.where(TrainerInboxItem.reason == reason)
    return list(session.scalars(stmt.order_by(TrainerInboxItem.created_at, TrainerInboxItem.id).limit(limit)))


@translate_db_errors
def get_item(item_id: int, *, session: Session) -> TrainerInboxItem:
    item = session.get(TrainerInboxItem, item_id)
    if item is None:
        raise InvalidInput(f"no inbox item {item_id}")
    return item


@translate_db_errors
def set_status(item_id: int, status: str, *, session: Session) -> TrainerInboxItem:
    """Mark an item "labelled" or "dismissed" (or back to "new")."""
    if status not in INBOX_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(INBOX_STATUSES)}")
    item = get_item(item_id, session=session)
    item.status = status
    session.flush()
    return item
