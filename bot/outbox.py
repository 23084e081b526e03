"""Delivers what another front end queued for a Telegram buyer (the web console, console/desk_work.py).

The console holds no bot token: it claims the draft and stores the replies as
`outbound_messages` rows with status "queued" in one transaction. This loop
sends them through the same `Delivery` (spacing, retries, splitting), marks
each "sent" (or "failed": the buyer blocked the bot, Telegram refused it) and
updates the draft's card in the agents' group, so Telegram agents see that a
web agent answered: once per batch, with what became of all the draft's replies
(a draft of several replies is one card edit, not one per reply). A crash between sending and marking sends that row again
on restart: at least once beats never (as bot/recovery.py).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session
from telegram.error import TelegramError

from bot.delivery import BuyerBlocked, DeliveryFailed
from bot.desk import card_status
from bot.gateway import CHANNEL, Gateway
from desk import store, texts
from shop.db.errors import ShopUnavailable
from shop.models import SENDING_ACTIONS, AgentDecision, Conversation, OutboundMessage

log = logging.getLogger(__name__)

POLL_S = 0.5
BATCH = 50


@dataclass(frozen=True)
class Queued:
    id: int
    chat_id: str
    text: str
    draft_id: int | None
    conversation_id: int | None
    agent: str | None  # who decided to send it (the draft's last send/edit/override)


def _queued(session: Session) -> list[Queued]:
    """The oldest queued rows, each with its chat's conversation and its sender: one statement per batch."""
    sender = (
        select(AgentDecision.agent_user_id)
        .where(AgentDecision.draft_id == OutboundMessage.draft_id, AgentDecision.action.in_(SENDING_ACTIONS))
        .order_by(AgentDecision.id.desc())
        .limit(1)
        .correlate(OutboundMessage)
        .scalar_subquery()
    )
    rows = session.execute(
        select(  # Queued's fields, in order
            OutboundMessage.id,
            OutboundMessage.chat_id,
            OutboundMessage.text,
            OutboundMessage.draft_id,
            Conversation.id,
            sender,
        )
        .outerjoin(
            Conversation,
            and_(
                Conversation.channel == OutboundMessage.channel,
                Conversation.chat_id == OutboundMessage.chat_id,
            ),
        )
        .where(OutboundMessage.channel == CHANNEL, OutboundMessage.status == "queued")
        .order_by(OutboundMessage.id)
        .limit(BATCH)
    )
    return [Queued(*row) for row in rows]


@dataclass
class _CardNews:
    """What one batch did to a draft's replies: its card is edited once, with the final state."""

    agent: str | None
    blocked: bool = False
    failed: bool = False

    def status(self, at: str) -> str:
        if self.blocked:
            return texts.agent("blocked")
        if self.failed:
            return texts.agent("outbox_failed", agent=self.agent or "?", at=at)
        return texts.agent("done_sent", agent=self.agent or "?", at=at)


def _draft_statuses(draft_id: int, *, session: Session) -> set[str]:
    """What became of all the draft's queued replies so far (a draft may straddle two batches)."""
    return set(
        session.scalars(
            select(OutboundMessage.status).where(
                OutboundMessage.channel == CHANNEL, OutboundMessage.draft_id == draft_id
            )
        )
    )


async def deliver_queued(gw: Gateway) -> int:
    """Sends every queued row (oldest first); how many were handled.

    A draft's card is edited once, after its last row, with what became of all of them (not once
    per row, nor once per batch when a batch ends within its rows); a round that stops half-way
    has still marked the drafts it finished.
    """
    if gw.bot is None:
        return 0
    rows = await gw.db(_queued)
    last_row = {row.draft_id: i for i, row in enumerate(rows) if row.draft_id is not None}
    news: dict[int, _CardNews] = {}
    for i, row in enumerate(rows):
        status, message_id = "failed", None
        card = news.setdefault(row.draft_id, _CardNews(row.agent)) if row.draft_id is not None else None
        try:
            sent = await gw.delivery.send_text(gw.bot, row.chat_id, row.text)
            status, message_id = "sent", (sent[0].message_id if sent else None)
        except BuyerBlocked:
            log.info("chat %s blocked the bot: queued message %s not delivered", row.chat_id, row.id)
            if card is not None:
                card.blocked = True
            if row.conversation_id is not None:
                await gw.db(
                    lambda s, c=row.conversation_id: store.set_blocked(c, True, session=s, now=gw.clock())
                )
        except (DeliveryFailed, TelegramError):
            log.exception("queued message %s to chat %s could not be delivered", row.id, row.chat_id)
            if card is not None:
                card.failed = True
        await gw.db_until_done(
            lambda s, r=row, st=status, m=message_id: store.mark_outbound(
                r.id, st, external_message_id=m, session=s, now=gw.clock()
            )
        )
        if card is not None and last_row[row.draft_id] == i:
            statuses = await gw.db(lambda s, d=row.draft_id: _draft_statuses(d, session=s))
            if "queued" in statuses:
                continue  # the batch cut the draft's replies: the next batch edits its card once
            card.failed = card.failed or "failed" in statuses  # a reply refused in an earlier batch
            await _mark_card(gw, row.draft_id, card.status(_at(gw)))
    return len(rows)


async def _mark_card(gw: Gateway, draft_id: int, status: str) -> None:
    try:
        await card_status(gw, draft_id, status)
    except TelegramError:
        log.warning("the card of draft %s could not be updated", draft_id)


def _at(gw: Gateway) -> str:
    return gw.clock().astimezone(ZoneInfo(gw.routing.timezone)).strftime("%m-%d %H:%M")


async def run(gw: Gateway, poll_s: float = POLL_S) -> None:
    """Delivers queued rows until cancelled (started with the gateway)."""
    while True:
        try:
            handled = await deliver_queued(gw)
        except ShopUnavailable as exc:
            log.warning("outbox: database unavailable (%s), retrying", exc)
            handled = 0
        except Exception:
            log.exception("outbox: delivery round failed")
            handled = 0
        if handled < BATCH:
            await asyncio.sleep(poll_s)
