"""What every handler of the Telegram gateway shares: settings, DB, Rasa, sending.

One `Gateway` lives in `application.bot_data["gateway"]`. It is the Telegram
front end of the buyer chats' state machine (`desk.conversation.Front`): it sends
to buyers, posts cards and notices to the agents' group. Database work runs in
a worker thread with one session (one transaction) per call, so a slow query
never stalls the event loop that serves every other chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot import cards
from bot.delivery import BuyerBlocked, Delivery
from desk import store, texts
from desk.rasa_client import RasaClient
from desk.routing import RoutingConfig
from shop.db.engine import in_transaction
from shop.db.errors import ShopUnavailable
from shop.store.policy_context import ShopWideCache
from stack.settings import Settings

if TYPE_CHECKING:
    from telegram import Bot

    from bot.chat_queue import ChatQueue
    from desk.pipeline import RoutedDraft

log = logging.getLogger(__name__)

CHANNEL = "telegram"
T = TypeVar("T")
MEDIA_SENDERS = {
    "photo": "send_photo",
    "voice": "send_voice",
    "sticker": "send_sticker",
    "document": "send_document",
}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Gateway:
    """The gateway's dependencies and its in-memory state (timers, outages)."""

    channel = CHANNEL

    settings: Settings
    engine: Engine
    rasa: RasaClient
    routing: RoutingConfig
    delivery: Delivery
    clock: Callable[[], datetime] = utc_now
    queue: ChatQueue | None = None
    bot: Bot | None = None
    # Chats whose buyer already got the "please wait" reply during a Rasa outage.
    outage_notified: set[str] = field(default_factory=set)
    timers: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    # Promotions and phone tails for the policy checks, read at most every 30 s.
    shop_wide: ShopWideCache = field(default_factory=ShopWideCache)
    _record_threads: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="gateway-record")
    )

    async def db(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs `work(session, *args, **kwargs)` in a thread, in one committed transaction."""
        return await asyncio.to_thread(self._transaction, work, *args, **kwargs)

    def _transaction(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        # Connection errors outside repository functions (begin, commit) are outages too.
        return in_transaction(self.engine, work, *args, **kwargs)

    async def db_until_done(self, work: Callable[..., T], *args: Any) -> T:
        """Like `db`, but waits out a database outage: for records of what already happened
        (a reply that went out must be recorded, or a restart would send it again)."""
        failures = 0
        loop = asyncio.get_running_loop()
        while True:
            try:
                # Threads of their own: not queued behind other chats' work, since until this
                # commits a crash would make the next start send the reply again.
                return await loop.run_in_executor(self._record_threads, self._transaction, work, *args)
            except ShopUnavailable:
                failures += 1
                delay = min(
                    self.settings.store_retry_max_s, self.settings.store_retry_base_s * 2 ** (failures - 1)
                )
                log.warning("the database is unavailable; recording again in %.1f s", delay)
                await asyncio.sleep(delay)

    @property
    def bot_id(self) -> str:
        """The bot's own id (the token's part before ":"): update ids count per bot."""
        return (self.settings.telegram_token or "").split(":", 1)[0]

    @property
    def agent_chat(self) -> int | None:
        return self.settings.agent_chat_id

    def is_agent(self, user_id: int | None) -> bool:
        return user_id is not None and (
            user_id in self.settings.agent_ids or user_id in self.settings.supervisor_ids
        )

    def is_supervisor(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.supervisor_ids

    def kick(self, chat_id: str) -> None:
        """There is new work for this buyer chat."""
        if self.queue is not None:
            self.queue.kick(chat_id)

    def arm(self, draft_id: int, task: asyncio.Task[None]) -> None:
        """Keeps one holding timer per draft (a re-armed one replaces the old)."""
        old = self.timers.pop(draft_id, None)
        if old is not None:
            old.cancel()
        self.timers[draft_id] = task
        task.add_done_callback(
            lambda t: self.timers.pop(draft_id, None) if self.timers.get(draft_id) is t else None
        )

    def rasa_sender(self, chat_id: str) -> str:
        return f"tg-{chat_id}"

    # --- talking to buyers and agents (desk.conversation.Front) ------------------------

    async def send_to_buyer(
        self, chat_id: str, conversation_id: int, text: str, *, draft_id: int | None = None
    ) -> bool:
        """Sends (split if long) and records it; False if the buyer blocked the bot."""
        assert self.bot is not None
        try:
            sent = await self.delivery.send_text(self.bot, chat_id, text)
        except BuyerBlocked:
            log.info("chat %s blocked the bot", chat_id)
            await self.db(lambda s: store.set_blocked(conversation_id, True, session=s, now=self.clock()))
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
                now=self.clock(),
            )

        await self.db_until_done(record)
        return True

    def drafted(self, draft_id: int, draft: RoutedDraft) -> None:
        """Nothing to do: Telegram shows a draft only as the agents' card (`post_card`)."""

    async def notify_agents(self, text: str) -> None:
        """A notice in the agents' group (none when AGENT_CHAT_ID is not set)."""
        if self.agent_chat is not None and self.bot is not None:
            await self.delivery.send_text(self.bot, self.agent_chat, text)

    async def post_card(self, draft_id: int) -> bool:
        """Puts the draft's card (and the buyer's file) in the agents' group; False: no group."""
        view = await self.db(cards.load_card, draft_id, CHANNEL)
        if view is None:
            return False
        chat, bot = self.agent_chat, self.bot
        if chat is None or bot is None:
            log.warning("draft %s needs an agent but AGENT_CHAT_ID is not set", draft_id)
            return False
        sent = await self.delivery.send_text(bot, chat, cards.render(view), reply_markup=cards.buttons(view))
        card = sent[0]
        await self.db(lambda s: store.set_draft_card(draft_id, chat, card.message_id, session=s))
        full = cards.full_text(view)
        if full:  # the card quotes a long message in part: the whole text follows, without buttons
            await self.delivery.send_text(bot, chat, full, reply_to_message_id=card.message_id)
        if view.file_id and view.kind in MEDIA_SENDERS:
            sender = getattr(bot, MEDIA_SENDERS[view.kind])
            await self.delivery.call(
                chat, lambda: sender(chat, view.file_id, reply_to_message_id=card.message_id)
            )
        return True

    async def card_overdue(self, draft_id: int) -> None:
        """The card says the buyer got the holding message."""

        def read(session: Session) -> tuple[cards.CardView | None, str | None, str | None]:
            draft = store.get_draft(draft_id, session=session)
            view = cards.load_card(session, draft_id, CHANNEL)
            return view, draft.card_chat_id if draft else None, draft.card_message_id if draft else None

        view, chat_id, message_id = await self.db(read)
        if view is None or not message_id or self.bot is None:
            return
        await self.delivery.edit_text(
            self.bot,
            chat_id,
            message_id,
            cards.render(view, texts.agent("overdue")),
            reply_markup=cards.buttons(view),
        )

    async def close(self) -> None:
        """Stops workers and timers; their work stays stored for the next start."""
        if self.queue is not None:
            await self.queue.close()
        timers = list(self.timers.values())
        for task in timers:
            task.cancel()
        await asyncio.gather(*timers, return_exceptions=True)
        self._record_threads.shutdown(wait=False)
