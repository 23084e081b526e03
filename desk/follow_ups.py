"""Follow-up tasks: promises to a buyer that an agent must keep (e.g. chase a quiet parcel).

Actions never write the desk's tables: a draft names the tasks it needs in its
metadata (``follow_ups``: order id + reason) and the desk creates them when it
stores the draft (:func:`record_requested`), one open task per order and reason.
Agents list the open tasks, claim one and close it with a note. Free of any
front end: the Telegram desk (bot/desk.py) and other front ends share it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from desk.texts import all_texts
from shop.db.engine import translate_db_errors
from shop.db.errors import InvalidInput, InvalidOrderId
from shop.db.inputs import clean_text, normalise_order_id, require_key, valid_row_id
from shop.models import ChannelLink, Conversation, FollowUpTask, Order, utcnow

log = logging.getLogger(__name__)

OPEN_ONLY = FollowUpTask.done_at.is_(None)
MAX_NOTE_CHARS = 2000


def _task_id(value: object) -> int:
    row_id = valid_row_id(value)
    if row_id is None:
        raise InvalidInput("task_id must be a positive integer id")
    return row_id


@translate_db_errors
def ensure_follow_up(
    *,
    reason: str,
    order_id: str | None = None,
    conversation_id: int | None = None,
    session: Session,
    now: datetime | None = None,
) -> FollowUpTask:
    """The open task for this order and reason, created once (asking again adds none).

    One INSERT ... ON CONFLICT DO NOTHING against the partial unique index of open
    tasks, so two drafts about the same parcel at once still leave one task.
    """
    values = {
        "conversation_id": None if conversation_id is None else _task_id(conversation_id),
        "order_id": None if order_id is None else normalise_order_id(order_id),
        "reason": require_key(reason, "reason", 64),
        "created_at": now or utcnow(),
    }
    if values["order_id"] is not None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(FollowUpTask)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["order_id", "reason"], index_where=OPEN_ONLY)
        )
        session.execute(stmt)
        return session.scalars(
            select(FollowUpTask)
            .where(
                FollowUpTask.order_id == values["order_id"],
                FollowUpTask.reason == values["reason"],
                OPEN_ONLY,
            )
            .execution_options(populate_existing=True)
        ).one()
    task = FollowUpTask(**values, done_at=None, done_by=None, claimed_by=None, claimed_at=None, note=None)
    session.add(task)
    session.flush()
    return task


def requested_in(meta: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The (order id, reason) pairs a draft's metadata asks for; malformed entries are left out."""
    wanted: list[tuple[str, str]] = []
    for entry in (meta or {}).get("follow_ups") or []:
        if not isinstance(entry, Mapping):
            continue
        order_id, reason = entry.get("order_id"), entry.get("reason")
        if isinstance(order_id, str) and isinstance(reason, str) and reason.strip():
            wanted.append((order_id, reason.strip()))
    return wanted


def record_requested(
    meta: Mapping[str, Any] | None, *, conversation_id: int, session: Session, now: datetime | None = None
) -> list[int]:
    """Creates the tasks a stored draft asks for (in the draft's transaction); their ids."""
    ids: list[int] = []
    for order_id, reason in requested_in(meta):
        try:
            known = session.get(Order, normalise_order_id(order_id)) is not None
        except InvalidOrderId:
            known = False
        if not known:
            log.warning("a draft asked for a follow-up of an order the shop does not have; none created")
            continue
        task = ensure_follow_up(
            reason=reason, order_id=order_id, conversation_id=conversation_id, session=session, now=now
        )
        ids.append(task.id)
    return ids


# --- the agents' list -------------------------------------------------------------


@dataclass(frozen=True)
class TaskView:
    """One open task as an agent sees it."""

    id: int
    reason: str
    order_id: str | None
    buyer: str | None  # the shop account, else the chat's user id, else None
    age: timedelta
    overdue: bool
    claimed_by: str | None


def _buyer_of(task: FollowUpTask, links: dict[tuple[str, str], str]) -> str | None:
    order: Order | None = task.order
    if order is not None:
        return order.buyer.account
    conversation: Conversation | None = task.conversation
    if conversation is None:
        return None
    return links.get((conversation.channel, conversation.user_id), conversation.user_id)


@translate_db_errors
def open_tasks(
    *, session: Session, now: datetime, overdue_after: timedelta, limit: int = 50
) -> list[TaskView]:
    """Open tasks, oldest first, with the buyer, the age and whether they are overdue."""
    rows = list(
        session.scalars(
            select(FollowUpTask)
            .where(OPEN_ONLY)
            .options(
                joinedload(FollowUpTask.order).joinedload(Order.buyer), joinedload(FollowUpTask.conversation)
            )
            .order_by(FollowUpTask.created_at, FollowUpTask.id)
            .limit(limit)
        )
    )
    chats = {(t.conversation.channel, t.conversation.user_id) for t in rows if t.conversation is not None}
    links: dict[tuple[str, str], str] = {}
    if chats:
        active = session.scalars(
            select(ChannelLink)
            .where(ChannelLink.revoked_at.is_(None), ChannelLink.external_id.in_({u for _, u in chats}))
            .options(joinedload(ChannelLink.buyer))
        )
        links = {(link.channel, link.external_id): link.buyer.account for link in active}
    views = []
    for task in rows:
        age = max(now - task.created_at, timedelta(0))
        views.append(
            TaskView(
                id=task.id,
                reason=task.reason,
                order_id=task.order_id,
                buyer=_buyer_of(task, links),
                age=age,
                overdue=age >= overdue_after,
                claimed_by=task.claimed_by,
            )
        )
    return views


@translate_db_errors
def count_open(*, session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FollowUpTask).where(OPEN_ONLY)) or 0


def reason_text(code: str) -> str:
    """The reason in the agents' words (responses/gateway.yml `follow_up_reasons`), else the code."""
    return str(all_texts().get("follow_up_reasons", {}).get(code, code))


class Outcome(StrEnum):
    """What became of a claim or a close (front ends word each one for the agent)."""

    CLAIMED = "claimed"
    ALREADY_YOURS = "already_yours"
    CLAIMED_BY_OTHER = "claimed_by_other"
    CLOSED = "closed"
    NOT_OPEN = "not_open"  # no such task, or it is done already
    NOTE_MISSING = "note_missing"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    task_id: int
    by: str | None = None  # who holds the task (for CLAIMED_BY_OTHER)


@translate_db_errors
def claim(task_id: int, agent: str | int, *, session: Session, now: datetime | None = None) -> Result:
    """The agent takes the task; one conditional UPDATE, so of two agents at once one wins."""
    row_id, who = _task_id(task_id), require_key(agent, "agent")
    won = session.execute(
        update(FollowUpTask)
        .where(FollowUpTask.id == row_id, OPEN_ONLY, FollowUpTask.claimed_by.is_(None))
        .values(claimed_by=who, claimed_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if won:
        return Result(Outcome.CLAIMED, row_id, who)
    task = session.get(FollowUpTask, row_id, populate_existing=True)
    if task is None or task.done_at is not None:
        return Result(Outcome.NOT_OPEN, row_id)
    if task.claimed_by == who:
        return Result(Outcome.ALREADY_YOURS, row_id, who)
    return Result(Outcome.CLAIMED_BY_OTHER, row_id, task.claimed_by)


@translate_db_errors
def close(
    task_id: int, agent: str | int, note: str | None, *, session: Session, now: datetime | None = None
) -> Result:
    """Marks the task done with the agent's note (who and when are recorded); only once."""
    row_id, who = _task_id(task_id), require_key(agent, "agent")
    text = clean_text(note)
    if not text or not text.strip():
        return Result(Outcome.NOTE_MISSING, row_id)
    done = session.execute(
        update(FollowUpTask)
        .where(FollowUpTask.id == row_id, OPEN_ONLY)
        .values(done_at=now or utcnow(), done_by=who, note=text.strip()[:MAX_NOTE_CHARS])
        .execution_options(synchronize_session="fetch")
    ).rowcount
    return Result(Outcome.CLOSED if done else Outcome.NOT_OPEN, row_id, who)
