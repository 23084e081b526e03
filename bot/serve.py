"""Runs the assistant for real: `python -m bot.serve` (what `make serve` does).

Uses the Rasa server(s) at RASA_URL when they answer; otherwise starts the
action server and a Rasa server (bot.servers) and stops them on exit. Then runs
the Telegram gateway: long polling, or a webhook when WEBHOOK_URL is set.
"""

from __future__ import annotations

import logging
import sys

from telegram.ext import Application

from bot.settings import Settings, load_settings

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
Optional: RASA_URL (running Rasa servers, comma-separated), WEBHOOK_URL (+ WEBHOOK_PORT),
HOLDING_AFTER_SECONDS (default 90), DATABASE_URL (default var/shop.db)."""


def _webhook_available() -> bool:
    try:
        import tornado  # noqa: F401  (ptb's webhook server: the "webhooks" extra)
    except ImportError:
        return False
    return True


def run(settings: Settings) -> int:
    from bot.app import build_application
    from bot.servers import StartError, running_stack
    from bot.simulate import rasa_reachable

    app_settings = settings
    if settings.agent_chat_id is None or not settings.agent_ids:
        print(
            "warning: AGENT_CHAT_ID / AGENT_IDS not set: drafts that need an agent cannot be shown",
            file=sys.stderr,
        )
    if settings.webhook_url and not _webhook_available():
        print(
            "WEBHOOK_URL needs python-telegram-bot[webhooks] (tornado); unset it to use polling",
            file=sys.stderr,
        )
        return 2
    try:
        from shop.migrate import upgrade

        upgrade(settings.database_url)  # the desk's tables must exist before the first update
        if rasa_reachable(settings):
            return _run_bot(build_application(app_settings), settings)
        print("starting the action server and a Rasa server (about half a minute) ...", file=sys.stderr)
        with running_stack(settings) as stack:
            from dataclasses import replace

            app_settings = replace(settings, rasa_urls=(stack.rasa_url,))
            return _run_bot(build_application(app_settings), app_settings)
    except StartError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 1


def _run_bot(app: Application, settings: Settings) -> int:
    if settings.webhook_url:
        app.run_webhook(
            listen="0.0.0.0",
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
            allowed_updates=["message", "callback_query"],
        )
    else:
        app.run_polling(allowed_updates=["message", "callback_query"], timeout=settings.poll_timeout_s)
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
