"""Builds the Telegram gateway application (python-telegram-bot v22); no I/O at import.

Every update is stored before Telegram is told it arrived (`bot.intake`: the
application's update queue stores, `bot.polling` confirms only stored batches),
and only an update seen for the first time reaches the handlers: the buyer
handlers (private chats) and the desk handlers (the agents' group). Buyer
handlers block (they only kick the chat's worker, so updates stay in order);
desk handlers do not block, so one agent's slow send never holds up another's press.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import buyers, desk, outbox, proactive, recovery
from bot.chat_queue import ChatQueue
from bot.delivery import Delivery
from bot.gateway import Gateway, utc_now
from bot.intake import StoringQueue
from bot.polling import StoringUpdater
from bot.teach import register_teach
from desk import conversation
from desk.rasa_client import RasaClient
from desk.routing import load_routing
from stack.settings import Settings

log = logging.getLogger(__name__)

MEDIA = (
    filters.PHOTO | filters.VOICE | filters.Sticker.ALL | filters.Document.ALL | filters.VIDEO | filters.AUDIO
)
# No text and no file, but content an agent must see (bot/inbound_content.py); venues carry a location.
SHARED = filters.LOCATION | filters.CONTACT


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Nobody sees anything: the error is logged with its traceback."""
    log.error("error while handling update %s", getattr(update, "update_id", None), exc_info=context.error)


def mute_http_logs() -> None:
    # httpx logs every request at INFO, including getUpdates with the token in the URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


async def start_gateway(app: Application) -> None:
    """After initialize(): start the chat workers and pick up the last run's work."""
    gw: Gateway = app.bot_data["gateway"]
    gw.bot = app.bot
    gw.queue = ChatQueue(
        lambda chat_id: conversation.handle_next(gw, chat_id), retry_after_s=gw.settings.rasa_retry_base_s
    )
    await recovery.resume(gw)
    # What the web console queued for buyers (it holds no bot token): delivered from here.
    app.bot_data["outbox"] = asyncio.create_task(outbox.run(gw), name="outbox")


async def stop_gateway(app: Application) -> None:
    """After stop(): stop workers and timers (their work stays stored)."""
    gw: Gateway = app.bot_data["gateway"]
    task = app.bot_data.pop("outbox", None)
    if task is not None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await gw.close()
    if app.bot_data.get("owns_rasa_client"):
        await gw.rasa.aclose()


def build_application(
    settings: Settings,
    *,
    engine: Engine | None = None,
    rasa_client: RasaClient | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Application:
    """The gateway application; polling or webhook is the caller's choice (bot.serve)."""
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    mute_http_logs()
    if engine is None:
        from shop.db.engine import make_engine

        engine = make_engine(settings.database_url)
    gw = Gateway(
        settings=settings,
        engine=engine,
        rasa=rasa_client or RasaClient.from_settings(settings),  # follows `trainer promote`
        routing=load_routing(settings.routing_file),
        delivery=Delivery(
            chat_interval_s=settings.chat_send_interval_s,
            group_interval_s=settings.group_send_interval_s,
            attempts=settings.send_attempts,
        ),
        clock=clock or utc_now,
    )
    queue = StoringQueue(lambda updates: buyers.store_updates(gw, updates))
    builder = ApplicationBuilder().token(settings.telegram_token).update_queue(queue)
    if settings.telegram_base_url:
        base = settings.telegram_base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")

    app = builder.post_init(start_gateway).post_stop(stop_gateway).build()
    # The builder's `updater()` excludes token/base_url settings, so swap it in afterwards.
    app.updater = StoringUpdater(
        bot=app.bot,
        update_queue=queue,
        retry_base_s=settings.store_retry_base_s,
        retry_max_s=settings.store_retry_max_s,
    )
    app.bot_data["gateway"] = gw
    app.bot_data["owns_rasa_client"] = rasa_client is None

    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", buyers.on_start, filters=private))
    app.add_handler(CommandHandler("link", buyers.on_link, filters=private))
    app.add_handler(CommandHandler("unlink", buyers.on_unlink, filters=private))
    app.add_handler(MessageHandler(private & filters.TEXT, buyers.on_text))
    app.add_handler(MessageHandler(private & (MEDIA | SHARED), buyers.on_media))

    # Before the card buttons' handler, which answers any other data as an expired button.
    app.add_handler(CallbackQueryHandler(desk.on_claim_button, pattern=desk.CLAIM_CALLBACK, block=False))
    app.add_handler(CallbackQueryHandler(desk.on_card_button, block=False))
    if settings.agent_chat_id is not None:
        desk_chat = filters.Chat(settings.agent_chat_id)
        app.add_handler(CommandHandler("override", desk.on_override, filters=desk_chat, block=False))
        app.add_handler(CommandHandler("release", desk.on_release, filters=desk_chat, block=False))
        app.add_handler(CommandHandler("onduty", desk.on_duty, filters=desk_chat, block=False))
        app.add_handler(CommandHandler("offduty", desk.off_duty, filters=desk_chat, block=False))
        app.add_handler(CommandHandler("followups", desk.on_followups, filters=desk_chat, block=False))
        app.add_handler(CommandHandler("claim", desk.on_claim, filters=desk_chat, block=False))
        app.add_handler(CommandHandler("close", desk.on_close, filters=desk_chat, block=False))
        app.add_handler(
            MessageHandler(
                desk_chat & filters.REPLY & filters.TEXT & ~filters.COMMAND, desk.on_agent_reply, block=False
            )
        )
        register_teach(app, settings)
    # Unpaid reminders and stale-parcel notices (desk/proactive.py), once each, restart-safe.
    proactive.schedule(app)
    app.add_error_handler(on_error)
    return app
