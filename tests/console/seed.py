"""Buyer messages and drafts written the way the gateway writes them (desk.store), for the console tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from desk import store
from shop.db.engine import session_scope
from shop.models import AgentDecision, Draft, OutboundMessage
from shop.models.console import ConsoleAudit
from shop.store.linking import ensure_verified_link

_chats = itertools.count(1)


@dataclass(frozen=True)
class Seeded:
    draft_id: int
    chat_id: str
    text: str


def buyer_message(
    url: str,
    text: str,
    *,
    replies: tuple[str, ...] = ("亲，您好，M码合适的哦",),
    intent: str = "ask_size",
    confidence: float = 0.61,
    route_reason: str = "置信度低于阈值",
    meta: dict[str, Any] | None = None,
    age: timedelta = timedelta(0),
    channel: str = "telegram",
    chat_id: str | None = None,
    linked_to: str | None = None,
) -> Seeded:
    """A buyer message and its draft waiting for an agent, as the gateway stores them."""
    now = datetime.now(timezone.utc) - age
    chat = chat_id or f"9{next(_chats):05d}{int(now.timestamp() * 1000) % 100000}"
    with session_scope(url) as session:
        inbound, _ = store.record_inbound(
            channel=channel,
            update_key=f"u{chat}-{now.timestamp()}",
            chat_id=chat,
            user_id=chat,
            text=text,
            session=session,
            now=now,
        )
        conv = store.ensure_conversation(channel, chat, chat, session=session, now=now)
        if linked_to is not None:  # the chat verified as this demo buyer (/link)
            ensure_verified_link(channel, chat, linked_to, session=session, now=now)
        store.mark_inbound(inbound.id, "done", session=session, now=now)
        draft = store.record_draft(
            conversation_id=conv.id,
            inbound_id=inbound.id,
            texts=list(replies),
            intent=intent,
            confidence=confidence,
            meta=meta
            or {"rule": "size_between", "intent_ranking": [{"name": intent, "confidence": confidence}]},
            route_reason=route_reason,
            session=session,
            now=now,
        )
        return Seeded(draft.id, chat, text)


def draft_state(url: str, draft_id: int) -> str:
    with session_scope(url) as session:
        return session.get(Draft, draft_id).state


def outbound_texts(url: str, draft_id: int) -> list[tuple[str, str]]:
    """(text, status) of what was queued or sent for the draft."""
    with session_scope(url) as session:
        rows = session.scalars(select(OutboundMessage).where(OutboundMessage.draft_id == draft_id))
        return [(r.text, r.status) for r in rows]


def decisions(url: str, draft_id: int) -> list[tuple[str, str, str | None]]:
    """(action, agent, text) of every agent decision on the draft, in order."""
    with session_scope(url) as session:
        rows = session.scalars(
            select(AgentDecision).where(AgentDecision.draft_id == draft_id).order_by(AgentDecision.id)
        )
        return [(r.action, r.agent_user_id, r.text) for r in rows]


def audit_rows(url: str, target: str) -> list[tuple[str, str]]:
    """(who, action) of the console's audit rows about one target, e.g. "draft:12"."""
    with session_scope(url) as session:
        rows = session.scalars(
            select(ConsoleAudit).where(ConsoleAudit.target == target).order_by(ConsoleAudit.id)
        )
        return [(r.who, r.action) for r in rows]
