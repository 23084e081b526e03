"""The demo's console: its accounts (passwords in the README) and a few drafts waiting in the queue.

Only for the demo shop (`make demo`): the drafts are written the way the
gateway writes them (desk.store) for the demo buyers' simulator chats, so the
conversation page shows their linked orders. Idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from console import accounts
from desk import inbox, store
from shop.models import InboundMessage
from shop.models.console import ConsoleAccount
from shop.store.linking import ensure_verified_link

CHANNEL = "simulator"
# (username, role, password): printed by `make demo` and listed in the README.
ACCOUNTS = (
    ("owner", "owner", "demo-owner-2026"),
    ("agent", "agent", "demo-agent-2026"),
    ("supervisor", "supervisor", "demo-super-2026"),
    ("trainer", "trainer", "demo-trainer-2026"),
)
# (buyer, minutes ago, message, draft, intent, confidence, why an agent sees it)
WAITING = (
    (
        "tb_linlin",
        9,
        "我上周买的那件还没发货吗",
        "亲，您的订单已经在安排发货了，请耐心等待哦～",
        "ask_order_status",
        0.93,
        "该意图不自动发送",
    ),
    (
        "tb_ahua",
        2,
        "160cm 50kg 穿什么码",
        "亲，建议您选 M 码哦～",
        "ask_size",
        0.71,
        "置信度 0.71 低于阈值 0.99",
    ),
    (
        "tb_linlin",
        1,
        "衣服洗了一次就起球了",
        "亲，非常抱歉给您带来不好的体验，我们马上为您处理～",
        "complain",
        0.88,
        "该意图不自动发送",
    ),
)


def _seeded(session: Session) -> bool:
    stmt = select(InboundMessage.id).where(InboundMessage.update_key.like("console-demo-%")).limit(1)
    return session.scalars(stmt).first() is not None


def ensure_demo(*, session: Session, now: datetime) -> None:
    for username, role, password in ACCOUNTS:
        if session.scalars(select(ConsoleAccount).where(ConsoleAccount.username == username)).first() is None:
            accounts.create(username, password, role, created_by="demo", session=session, now=now)
    if _seeded(session):
        return
    for n, (buyer, minutes, text, reply, intent, confidence, reason) in enumerate(WAITING):
        at = now - timedelta(minutes=minutes)
        ensure_verified_link(CHANNEL, buyer, buyer, session=session, now=at)
        inbound, _ = store.record_inbound(
            channel=CHANNEL,
            update_key=f"console-demo-{n}",
            chat_id=buyer,
            user_id=buyer,
            text=text,
            session=session,
            now=at,
        )
        store.mark_inbound(inbound.id, "done", session=session, now=at)
        conv = store.ensure_conversation(CHANNEL, buyer, buyer, session=session, now=at)
        store.record_draft(
            conversation_id=conv.id,
            inbound_id=inbound.id,
            texts=[reply],
            intent=intent,
            confidence=confidence,
            meta={"intent_ranking": [{"name": intent, "confidence": confidence}]},
            route_reason=reason,
            session=session,
            now=at,
        )
    inbox.add_item(
        text="这个颜色会不会显黑",
        reason="low_confidence",
        model_intent="ask_size",
        confidence=0.42,
        session=session,
        now=now,
    )
