"""The buyer side: store every update first, then handle each chat's messages in order.

Updates are stored before Telegram is told they arrived (`store_updates`, via
`bot.intake`). Handlers only hand the chat to its worker (`bot.chat_queue`); the
worker (`handle_next`) takes the chat's oldest unfinished message and links,
drafts (Rasa), auto-sends or puts a card before an agent. A message leaves
"pending" only once its outcome is stored, so a crash or a Rasa outage loses
nothing: it is retried, or picked up again at start-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import cards, inbound_content
from bot.delivery import BuyerBlocked
from bot.gateway import CHANNEL, Gateway
from desk import inbox, linking, queries, store, texts
from desk.drafts import DraftState
from desk.message_text import is_blank
from desk.pipeline import RoutedDraft, draft_reply
from desk.rasa_client import RasaUnavailable
from desk.routing import RouteDecision
from shop.db.errors import InvalidInput, ShopUnavailable
from shop.policy import CheckContext
from shop.store.linking import buyer_for_chat
from shop.store.policy_context import ShopWideCache, context_for

log = logging.getLogger(__name__)

# Tries of a message that fails for reasons other than Rasa being down (Rasa failing
# on it, a bug); counted in the stored `attempts`, so restarts do not reset it.
MAX_ATTEMPTS = 3
MEDIA_SENDERS = {
    "photo": "send_photo",
    "voice": "send_voice",
    "sticker": "send_sticker",
    "document": "send_document",
}


def gateway(context: ContextTypes.DEFAULT_TYPE) -> Gateway:
    return context.application.bot_data["gateway"]


# --- recording --------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    chat_id: str
    user_id: str
    kind: str
    text: str | None
    file_id: str | None
    from_buyer: bool


def _media(message: Message) -> tuple[str, str | None]:
    if message.photo:
        return "photo", message.photo[-1].file_id
    for kind in ("voice", "sticker", "document", "video", "audio", "video_note", "animation"):
        item = getattr(message, kind, None)
        if item is not None:
            return (kind if kind in MEDIA_SENDERS else "other"), item.file_id
    return "other", None


def describe(update: Update, agent_chat: int | None) -> Incoming | None:
    """What to store about an update (None: nothing we know how to store)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    message = update.effective_message
    edited = update.edited_message is not None
    from_buyer = chat.type == "private" and (update.message is not None or edited) and chat.id != agent_chat
    if update.callback_query is not None:
        return Incoming(str(chat.id), str(user.id), "other", update.callback_query.data, None, False)
    if message is None:
        return None
    if message.text is not None and not edited:
        return Incoming(str(chat.id), str(user.id), "text", message.text, None, from_buyer)
    if edited:  # the bot answered the old text already: an agent sees the new one, marked
        new_text = message.text if message.text is not None else message.caption or ""
        return Incoming(
            str(chat.id), str(user.id), "other", inbound_content.edited_text(new_text), None, from_buyer
        )
    content = inbound_content.describe_content(message)
    if content is not None:
        return Incoming(str(chat.id), str(user.id), "other", content, None, from_buyer)
    kind, file_id = _media(message)
    return Incoming(str(chat.id), str(user.id), kind, message.caption, file_id, from_buyer)


def _record(session: Session, update_id: int, incoming: Incoming, now: datetime, bot_id: str = "") -> bool:
    inbound, created = store.record_inbound(
        channel=CHANNEL,
        bot_id=bot_id,
        update_key=update_id,
        chat_id=incoming.chat_id,
        user_id=incoming.user_id,
        kind=incoming.kind,
        text=incoming.text,
        file_id=incoming.file_id,
        session=session,
        now=now,
    )
    if not created:
        return False
    if incoming.from_buyer:
        conv = store.ensure_conversation(
            CHANNEL, incoming.chat_id, incoming.user_id, session=session, now=now
        )
        if conv.blocked:  # they write again, so they no longer block the bot
            store.set_blocked(conv.id, False, session=session, now=now)
    else:
        # Desk updates are kept for the record and dedup only; no buyer worker handles them.
        store.mark_inbound(inbound.id, "ignored", session=session, now=now)
    return True


def _store_batch(
    session: Session, updates: Sequence[Update], agent_chat: int | None, bot_id: str, now: datetime
) -> list[Update]:
    fresh = []
    for update in updates:
        incoming = describe(update, agent_chat)
        if incoming is None:
            fresh.append(update)  # nothing to store; the handlers may still know it
            continue
        try:
            with session.begin_nested():  # one malformed update must not block the batch
                created = _record(session, update.update_id, incoming, now, bot_id)
        except InvalidInput:
            log.exception("update %s cannot be stored: dropped", update.update_id)
            continue
        if created:
            fresh.append(update)
        else:
            log.info("update %s was delivered again: already stored", update.update_id)
    return fresh


async def store_updates(gw: Gateway, updates: Sequence[Update]) -> list[Update]:
    """Stores a batch of updates in one transaction; returns those seen for the first time.

    Raises when the database cannot store them: the caller must then not confirm
    them to Telegram (bot.intake).
    """
    return await gw.db(_store_batch, updates, gw.agent_chat, gw.bot_id, gw.clock())


def _kick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None:
        gateway(context).kick(str(update.effective_chat.id))


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buyer sees a welcome saying what the bot can do and how to link an order."""
    _kick(update, context)


async def on_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buyer is linked to their shop account, or told why not (wrong digits, locked)."""
    _kick(update, context)


async def on_unlink(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buyer's chat is unlinked from their shop account."""
    _kick(update, context)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buyer gets the bot's answer, or an agent's after the agent desk saw it."""
    _kick(update, context)


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buyer gets a polite receipt; an agent sees the photo, voice, sticker or file."""
    _kick(update, context)


# --- sending ----------------------------------------------------------------------


async def send_to_buyer(
    gw: Gateway, chat_id: str, conversation_id: int, text: str, *, draft_id: int | None = None
) -> bool:
    """Sends (split if long) and records it; False if the buyer blocked the bot."""
    assert gw.bot is not None
    try:
        sent = await gw.delivery.send_text(gw.bot, chat_id, text)
    except BuyerBlocked:
        log.info("chat %s blocked the bot", chat_id)
        await gw.db(lambda s: store.set_blocked(conversation_id, True, session=s, now=gw.clock()))
        return False

    def record(session: Session) -> None:
        store.record_outbound(
            channel=CHANNEL,
            chat_id=chat_id,
            text=text,
            draft_id=draft_id,
            status="sent",
            external_message_id=sent[0].message_id if sent else None,
            session=session,
            now=gw.clock(),
        )

    await gw.db_until_done(record)
    return True


# --- the chat worker --------------------------------------------------------------


@dataclass
class Job:
    """One unfinished message and what is known about its chat."""

    inbound_id: int
    message_id: str  # stable per stored message: Rasa answers a retry without handling it twice
    chat_id: str
    user_id: str
    kind: str
    text: str
    file_id: str | None
    attempts: int
    conversation_id: int
    human_mode: bool
    blocked: bool
    buyer_account: str | None
    check_context: CheckContext
    agents_on_duty: int
    last_asked_link: bool


def _begin(session: Session, chat_id: str, now: datetime, shop_wide: ShopWideCache) -> Job | None:
    inbound = queries.next_inbound(CHANNEL, chat_id, session=session)
    if inbound is None:
        return None
    # Read before marking: the ORM update also refreshes `inbound.attempts` in the session.
    attempts = inbound.attempts + 1
    store.mark_inbound(inbound.id, "processing", session=session, now=now)
    conv = store.ensure_conversation(CHANNEL, chat_id, inbound.user_id, session=session, now=now)
    buyer = buyer_for_chat(CHANNEL, inbound.user_id, session=session)
    account = buyer.account if buyer else None
    last = queries.last_draft(conv.id, session=session)
    return Job(
        inbound_id=inbound.id,
        # The receive time keeps ids apart when a reset database reuses row ids.
        message_id=f"{CHANNEL}-{inbound.id}-{int(inbound.received_at.timestamp() * 1000)}",
        chat_id=chat_id,
        user_id=inbound.user_id,
        kind=inbound.kind,
        text=inbound.text or "",
        file_id=inbound.file_id,
        attempts=attempts,
        conversation_id=conv.id,
        human_mode=conv.mode == "human",
        blocked=conv.blocked,
        buyer_account=account,
        check_context=context_for(buyer, session=session, shop_wide=shop_wide),
        agents_on_duty=queries.agents_on_duty(session=session),
        last_asked_link=last is not None and linking.asked_to_link(last.meta),
    )


def _done(session: Session, inbound_id: int, now: datetime) -> None:
    store.mark_inbound(inbound_id, "done", session=session, now=now)


async def handle_next(gw: Gateway, chat_id: str) -> bool:
    """Handles the chat's oldest unfinished message; False when there is none."""
    now = gw.clock()
    job = await gw.db(_begin, chat_id, now, gw.shop_wide)
    if job is None:
        return False
    try:
        await _dispatch(gw, job, now)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        if job.attempts < MAX_ATTEMPTS or isinstance(exc, ShopUnavailable):
            raise  # still "processing": the worker tries it again (a database outage never counts)
        # A message that keeps failing must not block the chat: an agent gets it raw.
        log.exception(
            "giving up on message %s of chat %s after %s attempts", job.inbound_id, chat_id, job.attempts
        )
        await _to_agent(gw, job, texts.text("route_reasons.gateway_failed", attempts=job.attempts))
    return True


async def _dispatch(gw: Gateway, job: Job, now: datetime) -> None:
    chat_id = job.chat_id
    text = job.text.strip()
    if job.kind == "text" and text.split(maxsplit=1)[:1] == ["/start"]:
        await gw.db(_done, job.inbound_id, now)
        await send_to_buyer(gw, chat_id, job.conversation_id, texts.buyer("welcome"))
    elif job.kind == "text" and linking.is_link_command(text):
        await _link(gw, job, text.split(maxsplit=1)[1] if " " in text else "")
    elif job.kind == "text" and linking.is_unlink_command(text):
        reply = await gw.db(_unlink, job, now)
        await send_to_buyer(gw, chat_id, job.conversation_id, reply)
    elif job.kind == "text" and linking.reads_as_link(
        text, asked=job.buyer_account is None and job.last_asked_link
    ):
        await _link(gw, job, text)
    elif job.kind != "text":
        await _media_message(gw, job)
    elif job.human_mode:
        await _to_agent(gw, job, texts.text("route_reasons.human_mode"))
    else:
        await _draft(gw, job)


def _unlink(session: Session, job: Job, now: datetime) -> str:
    _done(session, job.inbound_id, now)
    return linking.unlink_reply(session, CHANNEL, job.user_id, now=now)


async def _link(gw: Gateway, job: Job, args: str) -> None:
    def work(session: Session) -> linking.LinkReply:
        _done(session, job.inbound_id, gw.clock())
        return linking.link_reply(
            session, CHANNEL, job.user_id, args, now=gw.clock(), timezone=gw.routing.timezone
        )

    reply = await gw.db(work)
    await send_to_buyer(gw, job.chat_id, job.conversation_id, reply.text)
    if reply.desk_notice and gw.agent_chat is not None and gw.bot is not None:
        await gw.delivery.send_text(gw.bot, gw.agent_chat, reply.desk_notice)


def _store_agent_draft(session: Session, job: Job, reason: str, now: datetime) -> int:
    draft = store.record_draft(
        conversation_id=job.conversation_id,
        inbound_id=job.inbound_id,
        texts=[],
        route_reason=reason,
        session=session,
        now=now,
    )
    _done(session, job.inbound_id, now)
    return draft.id


async def _media_message(gw: Gateway, job: Job) -> None:
    kind = texts.kind_name(job.kind)
    reason = texts.text("route_reasons.media", kind=kind)
    draft_id = await gw.db(_store_agent_draft, job, reason, gw.clock())
    await send_to_buyer(gw, job.chat_id, job.conversation_id, texts.buyer("media_received", kind=kind))
    await post_card(gw, draft_id)


async def _to_agent(gw: Gateway, job: Job, reason: str) -> None:
    draft_id = await gw.db(_store_agent_draft, job, reason, gw.clock())
    await post_card(gw, draft_id)


def backoff(gw: Gateway, attempts: int) -> float:
    return min(gw.settings.rasa_retry_max_s, gw.settings.rasa_retry_base_s * 2 ** max(0, attempts - 1))


async def _draft(gw: Gateway, job: Job) -> None:
    if is_blank(job.text):
        # Nothing to classify (Rasa's classifier fails on it): the buyer is asked what they need.
        await gw.db(_done, job.inbound_id, gw.clock())
        await send_to_buyer(gw, job.chat_id, job.conversation_id, texts.buyer("blank_message"))
        return
    try:
        draft = await draft_reply(
            gw.rasa,
            f"tg-{job.chat_id}",
            job.text,
            channel=CHANNEL,
            user_id=job.user_id,
            routing=gw.routing,
            check_context=job.check_context,
            agents_on_duty=job.agents_on_duty > 0,
            now=gw.clock(),
            message_id=job.message_id,
            max_chars=gw.settings.rasa_max_chars,
        )
    except RasaUnavailable as exc:
        await _rasa_down(gw, job, exc)
        return
    gw.outage_notified.discard(job.chat_id)
    draft_id, auto = await gw.db(_save_draft, gw, job, draft)
    if not auto:
        await post_card(gw, draft_id)
        return
    for reply in draft.replies:
        if not await send_to_buyer(gw, job.chat_id, job.conversation_id, reply, draft_id=draft_id):
            await gw.db_until_done(_claim, draft_id, [DraftState.PENDING], DraftState.SUPERSEDED)
            return
    await gw.db_until_done(_claim, draft_id, [DraftState.PENDING], DraftState.SENT)


async def _rasa_down(gw: Gateway, job: Job, exc: Exception) -> None:
    log.warning("Rasa could not handle a message of chat %s (attempt %s): %s", job.chat_id, job.attempts, exc)
    if job.attempts >= gw.settings.rasa_max_attempts:
        # Retried for long enough: an agent answers it, and the chat's next messages move on.
        await _to_agent(gw, job, texts.text("route_reasons.rasa_unavailable", attempts=job.attempts))
        return
    await gw.db(lambda s: store.mark_inbound(job.inbound_id, "pending", session=s, now=gw.clock()))
    if job.chat_id not in gw.outage_notified:
        # Once per outage: the buyer hears we are on it, the agents see the raw message.
        gw.outage_notified.add(job.chat_id)
        await send_to_buyer(gw, job.chat_id, job.conversation_id, texts.buyer("busy"))
        if gw.agent_chat is not None and gw.bot is not None:
            await gw.delivery.send_text(gw.bot, gw.agent_chat, texts.agent("card_rasa_down", text=job.text))
    await asyncio.sleep(backoff(gw, job.attempts))


def _claim(session: Session, draft_id: int, sources: tuple[str, ...], target: str) -> bool:
    return store.claim_draft(draft_id, sources, target, session=session)


def _low_confidence(gw: Gateway, draft: RoutedDraft) -> bool:
    route = gw.routing.route_for(draft.intent)
    return draft.intent == "nlu_fallback" or (route.auto_send and draft.confidence < route.threshold)


def _save_draft(session: Session, gw: Gateway, job: Job, draft: RoutedDraft) -> tuple[int, bool]:
    now = gw.clock()
    decision: RouteDecision = draft.decision
    # The new draft is not stored yet, so every waiting draft is an earlier one.
    if decision.auto_send and queries.waiting_drafts(job.conversation_id, session=session):
        # Never answer a later message before an earlier one an agent still holds.
        decision = RouteDecision(False, "earlier_waiting")
    # The card's candidates: a fallback's ranking starts with nlu_fallback, which is no candidate.
    ranking = [r for r in draft.intent_ranking if r.get("name") != "nlu_fallback"][: cards.CANDIDATES]
    meta: dict[str, Any] = {**draft.meta, "intent_ranking": ranking}
    row = store.record_draft(
        conversation_id=job.conversation_id,
        inbound_id=job.inbound_id,
        texts=draft.replies,
        intent=draft.intent,
        confidence=draft.confidence,
        meta=meta,
        policy_violations=[{"code": v.code, "reason": v.reason} for v in draft.violations],
        auto_send=decision.auto_send,
        route_reason=texts.route_reason(decision),
        session=session,
        now=now,
    )
    reason = "unhandled" if not draft.replies else "low_confidence" if _low_confidence(gw, draft) else None
    if reason:
        inbox.add_from_draft(
            row, reason, ranking=draft.intent_ranking, text=job.text, session=session, now=now
        )
    _done(session, job.inbound_id, now)
    return row.id, decision.auto_send


# --- cards and the holding timer -------------------------------------------------


async def post_card(gw: Gateway, draft_id: int) -> None:
    """Puts the draft's card before the agents and starts its holding timer."""
    view = await gw.db(cards.load_card, draft_id, CHANNEL)
    if view is None:
        return
    if gw.agent_chat is None or gw.bot is None:
        log.warning("draft %s needs an agent but AGENT_CHAT_ID is not set", draft_id)
        return
    sent = await gw.delivery.send_text(
        gw.bot, gw.agent_chat, cards.render(view), reply_markup=cards.buttons(view)
    )
    card = sent[0]
    await gw.db(lambda s: store.set_draft_card(draft_id, gw.agent_chat, card.message_id, session=s))
    full = cards.full_text(view)
    if full:  # the card quotes a long message in part: the whole text follows, without buttons
        await gw.delivery.send_text(gw.bot, gw.agent_chat, full, reply_to_message_id=card.message_id)
    if view.file_id and view.kind in MEDIA_SENDERS:
        sender = getattr(gw.bot, MEDIA_SENDERS[view.kind])
        await gw.delivery.call(
            gw.agent_chat,
            lambda: sender(gw.agent_chat, view.file_id, reply_to_message_id=card.message_id),
        )
    arm_holding(gw, draft_id, gw.settings.holding_after_s)


def arm_holding(gw: Gateway, draft_id: int, delay: float) -> None:
    """After `delay` without an agent, the buyer gets one holding message."""
    gw.arm(draft_id, asyncio.create_task(_holding(gw, draft_id, max(0.0, delay)), name=f"holding-{draft_id}"))


async def _holding(gw: Gateway, draft_id: int, delay: float) -> None:
    await asyncio.sleep(delay)

    def overdue(session: Session) -> cards.CardView | None:
        # The conditional update makes the holding message go out once, even across restarts.
        if not store.claim_draft(
            draft_id, [DraftState.PENDING], DraftState.OVERDUE, session=session, now=gw.clock()
        ):
            return None
        return cards.load_card(session, draft_id, CHANNEL)

    view = await gw.db(overdue)
    if view is None:
        return
    if not view.blocked:
        await send_to_buyer(gw, view.chat_id, view.conversation_id, texts.buyer("holding"), draft_id=draft_id)
    card = await gw.db(lambda s: store.get_draft(draft_id, session=s))
    if card is not None and card.card_message_id and gw.bot is not None:
        await gw.delivery.edit_text(
            gw.bot,
            card.card_chat_id,
            card.card_message_id,
            cards.render(view, texts.agent("overdue")),
            reply_markup=cards.buttons(view),
        )
