"""Runs the assistant for real: `python -m bot.serve` (what `make serve` does).

Uses the Rasa server(s) at RASA_URL when they answer; otherwise starts the
action server and a Rasa server (stack.servers) and stops them on exit. Then runs
the Telegram gateway: long polling, or a webhook when WEBHOOK_URL is set.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from telegram import Bot
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from stack.settings import Settings, load_settings

NO_TOKEN = """TELEGRAM_BOT_TOKEN is not set.

To run the Telegram gateway:
  1. In Telegram, talk to @BotFather: /newbot, choose a name; it answers with a token.
  2. Create a group for your agents, add the bot to it, and find the group's id
     (e.g. send a message in the group and open
     https://api.telegram.org/bot<TOKEN>/getUpdates; group ids are negative).
     With BotFather's /setprivacy -> Disable the bot sees agents' replies to cards.
  3. Find each agent's numeric user id (the same getUpdates output, "from": {"id": ...}).
  4. Start:
       TELEGRAM_BOT_TOKEN=123:ABC AGENT_CHAT_ID=-100123 AGENT_IDS=111,222 \\
       SUPERVISOR_IDS=111 make serve
Optional: RASA_URL (running Rasa servers, comma-separated) with their RASA_TOKEN, WEBHOOK_URL (public https base;
Telegram posts to WEBHOOK_URL/telegram) with WEBHOOK_PORT (default 8443), WEBHOOK_LISTEN
(default 0.0.0.0) and WEBHOOK_SECRET (default: a random one per run),
HOLDING_AFTER_SECONDS (default 90), DATABASE_URL (default var/shop.db)."""


WEBHOOK_PATH = "telegram"  # Telegram posts to WEBHOOK_URL + "/telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
# Telegram's rule for a webhook's secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def with_webhook_secret(settings: Settings) -> Settings:
    """The settings with a usable WEBHOOK_SECRET: the one configured, or a fresh random one.

    The secret goes to Telegram with setWebhook; Telegram sends it back in the
    X-Telegram-Bot-Api-Secret-Token header and ptb's webhook server answers 403
    to any POST without it, so only Telegram can post updates.
    """
    if settings.webhook_secret is None:
        return replace(settings, webhook_secret=secrets.token_urlsafe(32))
    if not _SECRET.fullmatch(settings.webhook_secret):
        raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return settings


def webhook_options(settings: Settings) -> dict[str, Any]:
    """The webhook server's arguments, for run_webhook or updater.start_webhook (the tests)."""
    if not settings.webhook_url or not settings.webhook_secret:
        raise ValueError("webhook mode needs WEBHOOK_URL and a secret (see with_webhook_secret)")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": WEBHOOK_PATH,
        "webhook_url": f"{settings.webhook_url.rstrip('/')}/{WEBHOOK_PATH}",
        "secret_token": settings.webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


def _webhook_server_missing() -> str | None:
    try:
        import tornado  # noqa: F401  (ptb's webhook server: requirements/app.in has the extra)
    except ImportError as exc:
        return f"WEBHOOK_URL needs python-telegram-bot[webhooks] (tornado): {exc}; unset it to use polling"
    return None


TELEGRAM_RETRY_MAX_S = 60.0


def _reach_telegram(settings: Settings) -> None:
    """One getMe (what the gateway's start does first); raises NetworkError when unreachable."""
    options: dict[str, Any] = {}
    if settings.telegram_base_url:
        base = settings.telegram_base_url.rstrip("/")
        options = {"base_url": f"{base}/bot", "base_file_url": f"{base}/file/bot"}

    async def get_me() -> None:
        async with Bot(settings.telegram_token or "", **options) as bot:  # initialize() calls getMe
            await bot.get_me()

    asyncio.run(get_me())


def wait_for_telegram(
    reach: Callable[[], None],
    *,
    sleep: Callable[[float], None] = time.sleep,
    max_pause_s: float = TELEGRAM_RETRY_MAX_S,
) -> None:
    """Call ``reach`` until Telegram answers: one line per failed try, pauses doubling up to the max.

    Without a network the gateway would otherwise die in its start with a long
    traceback; a server that keeps trying comes up by itself when the network does.
    """
    failures = 0
    while True:
        try:
            reach()
        except InvalidToken:
            raise
        except NetworkError as exc:
            failures += 1
            pause = min(max_pause_s, 2.0 ** (failures - 1))
            print(
                f"serve: cannot reach Telegram ({exc}); trying again in {pause:g} s",
                file=sys.stderr,
                flush=True,
            )
            sleep(pause)
            continue
        if failures:
            print("serve: Telegram answers again; starting", file=sys.stderr, flush=True)
        return


def run(settings: Settings) -> int:
    from bot.app import build_application
    from bot.simulate import rasa_reachable
    from stack.servers import StartError, console_beside, running_stack

    if settings.agent_chat_id is None or not settings.agent_ids:
        print(
            "warning: AGENT_CHAT_ID / AGENT_IDS not set: drafts that need an agent cannot be shown",
            file=sys.stderr,
        )
    if settings.webhook_url:
        problem = _webhook_server_missing()
        if problem is None:
            try:
                settings = with_webhook_secret(settings)
            except ValueError as exc:
                problem = str(exc)
        if problem is not None:
            print(f"serve: {problem}", file=sys.stderr)
            return 2
    app_settings = settings
    try:
        wait_for_telegram(lambda: _reach_telegram(settings))
    except InvalidToken:
        print("serve: Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    try:
        from shop.db.migrate import upgrade

        upgrade(settings.database_url)  # the desk's tables must exist before the first update
        with console_beside(settings):
            if rasa_reachable(settings):
                return _run_bot(build_application(app_settings), settings)
            print("starting the action server and a Rasa server (about half a minute) ...", file=sys.stderr)
            with running_stack(settings) as stack:
                app_settings = replace(settings, rasa_urls=(stack.rasa_url,), rasa_token=stack.rasa_token)
                return _run_bot(build_application(app_settings), app_settings)
    except StartError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 1


def _run_bot(app: Application, settings: Settings) -> int:
    if settings.webhook_url:
        # setWebhook (with the secret), then ptb's tornado server on WEBHOOK_LISTEN:WEBHOOK_PORT.
        app.run_webhook(**webhook_options(settings))
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=settings.poll_timeout_s)
    return 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    if not settings.telegram_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
