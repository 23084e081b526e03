"""The demo's console: its accounts (passwords in the README) and a few drafts waiting in the queue.

Only for the demo shop (`make demo`): the drafts are written the way the
gateway writes them (desk.store) for the demo buyers' simulator chats, so the
conversation page shows their linked orders. Idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from console import accounts
from desk import inbox, store, texts
from desk.routing import decide, load_routing
from paths import DEMO_SHOP_FILE
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
# The waiting drafts and the inbox message, with their wording (data, not code).
WAITING_FILE = DEMO_SHOP_FILE.parent / "console_waiting.yaml"


def _seeded(session: Session) -> bool:
    stmt = select(InboundMessage.id).where(InboundMessage.update_key.like("console-demo-%")).limit(1)
    return session.scalars(stmt).first() is not None


def ensure_demo(*, routing_file: Path, session: Session, now: datetime) -> None:
    for username, role, password in ACCOUNTS:
        if session.scalars(select(ConsoleAccount).where(ConsoleAccount.username == username)).first() is None:
            accounts.create(username, password, role, created_by="demo", session=session, now=now)
    if _seeded(session):
        return
    data = yaml.safe_load(WAITING_FILE.read_text(encoding="utf-8"))
    routing = load_routing(routing_file)
    for n, item in enumerate(data["waiting"]):
        at = now - timedelta(minutes=item["minutes_ago"])
        buyer, intent, confidence = item["buyer"], item["intent"], float(item["confidence"])
        ensure_verified_link(CHANNEL, buyer, buyer, session=session, now=at)
        inbound, _ = store.record_inbound(
            channel=CHANNEL,
            update_key=f"console-demo-{n}",
            chat_id=buyer,
            user_id=buyer,
            text=item["text"],
            session=session,
            now=at,
        )
        store.mark_inbound(inbound.id, "done", session=session, now=at)
        conv = store.ensure_conversation(CHANNEL, buyer, buyer, session=session, now=at)
        # Why it waits, as the gateway would say it for this intent and confidence today.
        decision = decide(
            routing, intent=intent, confidence=confidence, has_reply=True, policy_ok=True,
            handoff=False, human_mode=False, agents_on_duty=False, now=at,
        )  # fmt: skip
        store.record_draft(
            conversation_id=conv.id,
            inbound_id=inbound.id,
            texts=[item["reply"]],
            intent=intent,
            confidence=confidence,
            meta={"intent_ranking": [{"name": intent, "confidence": confidence}]},
            route_reason=texts.route_reason(decision),
            session=session,
            now=at,
        )
    for item in data["inbox"]:
        inbox.add_item(**item, session=session, now=now)
