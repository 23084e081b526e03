"""Start-up: pick up whatever the last run left unfinished.

Messages still "pending"/"processing" go back to their chat's worker (oldest
first); drafts still waiting for an agent get their card (if it was never
posted) and their holding timer (for the time left); an auto-send draft that
was stored but not marked sent is sent now, except the texts already recorded
as sent (a text whose send was cut off before it was recorded goes out again:
at least once beats never).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.gateway import CHANNEL, Gateway
from desk import conversation, human_mode, queries, store
from desk.drafts import DraftState
from shop.models import OutboundMessage

log = logging.getLogger(__name__)


@dataclass
class Unfinished:
    draft_id: int
    state: str
    auto_send: bool
    has_card: bool
    created_at: datetime
    chat_id: str
    conversation_id: int
    blocked: bool
    texts: list[str]
    sent: int  # how many of `texts` are recorded as sent (they go out in order)
    asked_for_human: bool = False  # the buyer's notice that an agent answers: the agents need its card


def _sent_count(session: Session, draft_id: int) -> int:
    stmt = select(func.count(OutboundMessage.id)).where(
        OutboundMessage.draft_id == draft_id, OutboundMessage.status == "sent"
    )
    return int(session.scalar(stmt) or 0)


def _scan(session: Session) -> tuple[list[str], list[Unfinished]]:
    chats = queries.chats_with_unfinished(CHANNEL, session=session)
    drafts = []
    for draft in queries.unfinished_drafts(CHANNEL, session=session):
        conv = queries.conversation_by_id(draft.conversation_id, session=session)
        assert conv is not None
        drafts.append(
            Unfinished(
                draft.id, draft.state, draft.auto_send, bool(draft.card_message_id), draft.created_at,
                conv.chat_id, conv.id, conv.blocked, list(draft.texts or []), _sent_count(session, draft.id),
                human_mode.asked_for_human(draft.meta),
            )
        )  # fmt: skip
    return chats, drafts


async def resume(gw: Gateway) -> None:
    """Re-queues unfinished messages and re-arms pending cards; logs what it found."""
    chats, drafts = await gw.db(_scan)
    for draft in drafts:
        if draft.blocked:
            continue
        if draft.auto_send and draft.state == DraftState.PENDING:
            for text in draft.texts[draft.sent :]:
                await gw.send_to_buyer(draft.chat_id, draft.conversation_id, text, draft_id=draft.draft_id)
            await gw.db(
                lambda s, d=draft.draft_id: store.claim_draft(
                    d, [DraftState.PENDING], DraftState.SENT, session=s
                )
            )
            if draft.asked_for_human and not draft.has_card:
                await conversation.post_card(gw, draft.draft_id)
        elif not draft.has_card:
            await conversation.post_card(gw, draft.draft_id)
        elif draft.state == DraftState.PENDING:
            waited = (gw.clock() - draft.created_at).total_seconds()
            conversation.arm_holding(gw, draft.draft_id, gw.settings.holding_after_s - waited)
    for chat_id in chats:
        gw.kick(chat_id)
    if chats or drafts:
        log.info("start-up: %d chats with unfinished messages, %d drafts waiting", len(chats), len(drafts))
