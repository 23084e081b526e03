"""The buyer side on Telegram: store every update first, then hand the chat to its worker.

Updates are stored before Telegram is told they arrived (`store_updates`, via
`bot.intake`). Handlers only hand the chat to its worker (`bot.chat_queue`),
which runs the front-end-free state machine (`desk.conversation.handle_next`)
one message at a time, oldest first: commands too, so a /link is handled in
order with the chat's other messages.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import inbound_content
from bot.gateway import CHANNEL, MEDIA_SENDERS, Gateway
from desk import store
from shop.db.errors import InvalidInput

log = logging.getLogger(__name__)


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


# Every handler only wakes the chat's worker: the message is stored already, and its
# work (a command's too: desk.conversation.COMMANDS) is done in turn with the chat's others.
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


# --- sending (for the agent desk's handlers and start-up) -------------------------


async def send_to_buyer(
    gw: Gateway, chat_id: str, conversation_id: int, text: str, *, draft_id: int | None = None
) -> bool:
    """Sends (split if long) and records it; False if the buyer blocked the bot."""
    return await gw.send_to_buyer(chat_id, conversation_id, text, draft_id=draft_id)
