"""Webhook mode: the real ptb webhook server (tornado) on localhost, as bot.serve runs it.

Telegram is played by the test: it POSTs update JSON to the webhook URL with
the secret it was given in setWebhook. The Bot API stand-in records setWebhook
and the answers the gateway sends.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot import serve
from shop.models import InboundMessage
from stack.servers import free_port
from stack.settings import Settings, load_settings
from tests.bot.conftest import BUYER, Harness
from tests.fakes.rasa import Turn

GREETING = "亲，您好呀～欢迎光临，有什么可以帮您的吗？"
THANKS = "不客气哦亲～"
SECRET = "webhook-test_SECRET-42"


async def start_webhook(harness: Harness) -> str:
    """Starts the gateway in webhook mode on a free localhost port; returns the URL Telegram posts to."""
    port = free_port()
    await harness.start(
        webhook_url=f"http://127.0.0.1:{port}/",
        webhook_port=port,
        webhook_listen="127.0.0.1",
        webhook_secret=SECRET,
    )
    return f"http://127.0.0.1:{port}/{serve.WEBHOOK_PATH}"


async def post(url: str, update: dict[str, Any], secret: str | None = SECRET) -> int:
    """Telegram delivers one update; returns the HTTP status."""
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with httpx.AsyncClient(trust_env=False, timeout=5) as http:
        resp = await http.post(url, json=update, headers=headers)
    return resp.status_code


def inbound_count(harness: Harness) -> int:
    return harness.db(lambda s: len(list(s.scalars(select(InboundMessage)))))


async def test_webhook_mode_registers_the_secret_and_answers_a_buyer(harness: Harness) -> None:
    harness.rasa.script["你好"] = Turn("greet", 0.99, [GREETING])
    url = await start_webhook(harness)
    [registered] = harness.api.calls_of("setWebhook")
    assert registered.params["url"] == url
    assert registered.params["secret_token"] == SECRET
    assert registered.params["allowed_updates"] == serve.ALLOWED_UPDATES
    assert harness.api.webhook is not None  # and so getUpdates would be refused

    assert await post(url, {"update_id": 1, **harness.buyer_update("你好")}) == 200
    await harness.wait_for(lambda: harness.to_buyer() == [GREETING], what="the greeting")
    await harness.idle()
    assert harness.rasa.received[0]["metadata"] == {"channel": "telegram", "user_id": str(BUYER)}


async def test_a_post_without_the_right_secret_is_rejected_and_not_processed(harness: Harness) -> None:
    harness.rasa.script["谢谢"] = Turn("thank", 0.99, [THANKS])
    url = await start_webhook(harness)
    assert await post(url, {"update_id": 1, **harness.buyer_update("你好")}, secret="wrong") == 403
    assert await post(url, {"update_id": 2, **harness.buyer_update("在吗")}, secret=None) == 403
    # Updates are handled one at a time in arrival order: once this one is answered,
    # anything accepted before it would have been handled too.
    assert await post(url, {"update_id": 3, **harness.buyer_update("谢谢")}) == 200
    await harness.wait_for(lambda: harness.to_buyer() == [THANKS], what="the answer to the real update")
    await harness.idle()
    assert harness.rasa.texts() == ["谢谢"]
    assert inbound_count(harness) == 1


async def test_the_same_update_posted_twice_is_handled_once(harness: Harness) -> None:
    harness.rasa.script["你好"] = Turn("greet", 0.99, [GREETING])
    harness.rasa.script["谢谢"] = Turn("thank", 0.99, [THANKS])
    url = await start_webhook(harness)
    update = {"update_id": 41, **harness.buyer_update("你好")}
    assert await post(url, update) == 200
    assert await post(url, update) == 200  # Telegram retries when it missed our answer
    assert await post(url, {"update_id": 42, **harness.buyer_update("谢谢")}) == 200
    await harness.wait_for(lambda: len(harness.to_buyer()) == 2, what="both answers")
    await harness.idle()
    assert harness.to_buyer() == [GREETING, THANKS]
    assert harness.rasa.texts() == ["你好", "谢谢"]
    assert inbound_count(harness) == 2


# --- settings and bot.serve's webhook wiring ---------------------------------------------


def test_webhook_settings_come_from_the_environment() -> None:
    assert (load_settings({}).webhook_listen, load_settings({}).webhook_secret) == ("0.0.0.0", None)
    env = {"WEBHOOK_URL": "https://shop.example/hook", "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_SECRET": "s3"}
    settings = load_settings(env)
    assert (settings.webhook_listen, settings.webhook_secret) == ("127.0.0.1", "s3")
    assert serve.webhook_options(settings) == {
        "listen": "127.0.0.1",
        "port": 8443,
        "url_path": "telegram",
        "webhook_url": "https://shop.example/hook/telegram",
        "secret_token": "s3",
        "allowed_updates": ["message", "callback_query"],
    }


def test_an_unset_secret_is_generated_fresh_and_a_bad_one_refused() -> None:
    settings = Settings(webhook_url="https://shop.example")
    first = serve.with_webhook_secret(settings).webhook_secret
    second = serve.with_webhook_secret(settings).webhook_secret
    assert first and second and first != second
    assert serve._SECRET.fullmatch(first) and len(first) >= 32
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        serve.with_webhook_secret(Settings(webhook_url="https://x", webhook_secret="has space"))
    with pytest.raises(ValueError, match="secret"):
        serve.webhook_options(settings)  # never a webhook without a secret


def test_serve_refuses_a_bad_secret_before_starting_anything(capsys: pytest.CaptureFixture) -> None:
    settings = Settings(telegram_token="1:x", webhook_url="https://x", webhook_secret="no/slashes")
    assert serve.run(settings) == 2
    assert "WEBHOOK_SECRET" in capsys.readouterr().err


def test_serve_runs_the_webhook_server_when_webhook_url_is_set() -> None:
    class App:
        def run_webhook(self, **kwargs: Any) -> None:
            self.webhook = kwargs

        def run_polling(self, **kwargs: Any) -> None:
            raise AssertionError("polling in webhook mode")

    app = App()
    settings = serve.with_webhook_secret(Settings(webhook_url="https://shop.example", webhook_port=9000))
    assert serve._run_bot(app, settings) == 0  # type: ignore[arg-type]
    assert app.webhook == serve.webhook_options(settings)
    assert app.webhook["secret_token"] == settings.webhook_secret
