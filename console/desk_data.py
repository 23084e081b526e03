"""What the agents' pages show, read from the desk's tables (read-only; writes go through desk/).

The queue: drafts waiting for an agent, oldest first, marked overdue past the
shop's first-response rule. A conversation: its messages both ways, the buyer's
linked orders and parcels, and the draft with what the model and routing said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk import queries
from desk.drafts import OPEN, DraftState
from shop.models import Conversation, Draft, InboundMessage, Order, OutboundMessage, Product
from shop.store.linking import buyer_for_chat
from shop.store.orders import orders_for_buyer

QUEUE_LIMIT = 200
HISTORY = 40
ORDERS = 5


@dataclass(frozen=True)
class QueueItem:
    draft_id: int
    created_at: datetime
    state: str
    overdue: bool
    channel: str
    user_id: str
    text: str
    intent: str | None
    confidence: float | None
    route_reason: str | None
    taken_over_by: str | None

    @property
    def key(self) -> tuple[Any, ...]:
        """What the live queue compares to know it changed."""
        return (self.draft_id, self.state, self.overdue, self.taken_over_by)


def queue(*, session: Session, now: datetime, response_seconds: int) -> list[QueueItem]:
    """Drafts waiting for an agent (not those being auto-sent), oldest first."""
    late = now - timedelta(seconds=response_seconds)
    stmt = (
        select(Draft, Conversation, InboundMessage.text)
        .join(Conversation, Conversation.id == Draft.conversation_id)
        .outerjoin(InboundMessage, InboundMessage.id == Draft.inbound_id)
        .where(Draft.state.in_(OPEN), Draft.auto_send.is_(False))
        .order_by(Draft.created_at, Draft.id)
        .limit(QUEUE_LIMIT)
    )
    return [
        QueueItem(
            draft_id=draft.id,
            created_at=draft.created_at,
            state=draft.state,
            overdue=draft.state == DraftState.OVERDUE or draft.created_at <= late,
            channel=conv.channel,
            user_id=conv.user_id,
            text=text or "",
            intent=draft.intent,
            confidence=draft.confidence,
            route_reason=draft.route_reason,
            taken_over_by=conv.taken_over_by if conv.mode == "human" else None,
        )
        for draft, conv, text in session.execute(stmt)
    ]


@dataclass(frozen=True)
class Line:
    """One message of the conversation, either way."""

    at: datetime
    from_buyer: bool
    text: str
    kind: str = "text"
    status: str | None = None  # outbound: queued / sent / failed


@dataclass
class ConversationView:
    draft: Draft
    conversation: Conversation
    buyer_text: str
    buyer_account: str | None
    lines: list[Line]
    orders: list[Order]
    proposed: str | None
    meta: dict[str, Any] = field(default_factory=dict)
    product: Product | None = None  # the product the draft is about (facts.product_code)

    @property
    def facts(self) -> dict[str, Any]:
        facts = self.meta.get("facts")
        return facts if isinstance(facts, dict) else {}

    @property
    def open(self) -> bool:
        return self.draft.state in OPEN

    @property
    def human_mode(self) -> bool:
        return self.conversation.mode == "human"

    @property
    def warnings(self) -> list[str]:
        return [
            v.get("reason", "") if isinstance(v, dict) else str(v) for v in self.draft.policy_violations or []
        ]

    @property
    def candidates(self) -> list[tuple[str, float]]:
        ranking = self.meta.get("intent_ranking") or []
        return [
            (str(r["name"]), float(r.get("confidence") or 0.0))
            for r in ranking
            if isinstance(r, dict) and r.get("name") and r.get("name") != "nlu_fallback"
        ][:3]


def _history(conv: Conversation, *, session: Session) -> list[Line]:
    inbound = session.scalars(
        select(InboundMessage)
        .where(InboundMessage.channel == conv.channel, InboundMessage.chat_id == conv.chat_id)
        .order_by(InboundMessage.id.desc())
        .limit(HISTORY)
    )
    outbound = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.channel == conv.channel, OutboundMessage.chat_id == conv.chat_id)
        .order_by(OutboundMessage.id.desc())
        .limit(HISTORY)
    )
    lines = [Line(m.received_at, True, m.text or "", m.kind) for m in inbound]
    lines += [Line(m.created_at, False, m.text, status=m.status) for m in outbound]
    return sorted(lines, key=lambda line: line.at)[-HISTORY:]


def conversation(draft_id: int, *, session: Session) -> ConversationView | None:
    """Everything the conversation page shows for one draft (None: no such draft)."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        return None
    conv = queries.conversation_by_id(draft.conversation_id, session=session)
    assert conv is not None
    buyer = buyer_for_chat(conv.channel, conv.user_id, session=session)
    inbound = session.get(InboundMessage, draft.inbound_id) if draft.inbound_id else None
    facts = (draft.meta or {}).get("facts") or {}
    code = facts.get("product_code") if isinstance(facts, dict) else None
    return ConversationView(
        draft=draft,
        conversation=conv,
        buyer_text=(inbound.text if inbound else None) or "",
        buyer_account=buyer.account if buyer else None,
        lines=_history(conv, session=session),
        orders=orders_for_buyer(buyer.account, session=session, limit=ORDERS) if buyer else [],
        proposed=queries.last_proposed_text(draft.id, session=session),
        meta=dict(draft.meta or {}),
        product=session.get(Product, str(code)) if code else None,
    )
