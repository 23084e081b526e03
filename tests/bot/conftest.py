"""The Telegram harness: the real ptb Application against a fake Bot API and a fake Rasa.

Each test runs on SQLite and on PostgreSQL (``db_url``): a migrated shop with the demo data, a `FakeBotApi` and a
`FakeRasa` on localhost ports, and a `Harness` that starts the gateway exactly
as `run_polling` would (initialize, start_gateway, start_polling, start), or as
`run_webhook` would when `webhook_url` is set (start_webhook with bot.serve's
options instead of start_polling), sends scripted updates and waits for
conditions (never fixed sleeps).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from telegram.ext import Application

from bot.app import build_application, start_gateway, stop_gateway
from bot.serve import webhook_options
from desk.rasa_client import RasaClient
from shop.db.engine import make_engine
from shop.demo import load_demo
from shop.models import Draft
from stack.settings import Settings
from tests.fakes.bot_api import BOT_USER, FakeBotApi
from tests.fakes.rasa import FakeRasa

# Fixed thresholds: `make thresholds` rewrites responses/routing.yml from data.
ROUTING_FILE = Path(__file__).with_name("routing.yml")
AGENT_CHAT = -1001234
AGENTS = (11, 12)
SUPERVISOR = 99
BUYER = 5001
OTHER_BUYER = 5002
OUTSIDER = 66


def user(uid: int) -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": f"U{uid}"}


class Harness:
    """Drives one gateway through the fakes; restartable on the same DB and API."""

    def __init__(self, api: FakeBotApi, rasa: FakeRasa, engine: Engine, settings: Settings) -> None:
        self.api = api
        self.rasa = rasa
        self.engine = engine
        self.settings = settings
        self.app: Application | None = None
        self._rasa_client: RasaClient | None = None
        self._message_ids = itertools.count(100)

    # --- lifecycle -------------------------------------------------------------------

    async def start(self, **overrides: Any) -> None:
        if overrides:
            self.settings = replace(self.settings, **overrides)
        self._rasa_client = RasaClient(self.settings.rasa_urls, timeout_s=2)
        self.app = build_application(self.settings, engine=self.engine, rasa_client=self._rasa_client)
        await self.app.initialize()
        await start_gateway(self.app)
        assert self.app.updater is not None
        if self.settings.webhook_url:
            await self.app.updater.start_webhook(**webhook_options(self.settings))
        else:
            await self.app.updater.start_polling(poll_interval=0, timeout=1)
        await self.app.start()

    async def stop(self) -> None:
        if self.app is None:
            return
        app, self.app = self.app, None
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await stop_gateway(app)
        await app.shutdown()
        if self._rasa_client is not None:
            await self._rasa_client.aclose()

    @property
    def gateway(self):  # noqa: ANN201
        assert self.app is not None
        return self.app.bot_data["gateway"]

    # --- updates ----------------------------------------------------------------------

    def _message(self, chat: dict[str, Any], sender: int, **fields: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user(sender),
        }
        message.update(fields)
        text = fields.get("text")
        if text and text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return message

    def buyer_update(self, text: str, buyer: int = BUYER) -> dict[str, Any]:
        chat = {"id": buyer, "type": "private", "first_name": f"U{buyer}"}
        return {"message": self._message(chat, buyer, text=text)}

    def buyer_says(self, text: str, buyer: int = BUYER) -> int:
        return self.api.push(self.buyer_update(text, buyer))

    def buyer_sends_photo(self, file_id: str, buyer: int = BUYER) -> int:
        chat = {"id": buyer, "type": "private", "first_name": f"U{buyer}"}
        photo = [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 90, "height": 90}]
        return self.api.push({"message": self._message(chat, buyer, photo=photo)})

    def press_update(self, agent: int, card_id: int, data: str) -> dict[str, Any]:
        card = {
            "message_id": card_id,
            "date": int(time.time()),
            "chat": self._desk(),
            "from": BOT_USER,
            "text": "card",
        }
        return {
            "callback_query": {
                "id": f"cq{next(self._message_ids)}",
                "from": user(agent),
                "chat_instance": "desk",
                "data": data,
                "message": card,
            }
        }

    def press(self, agent: int, card_id: int, data: str) -> int:
        return self.api.push(self.press_update(agent, card_id, data))

    def agent_says(self, agent: int, text: str, reply_to: int | None = None) -> int:
        fields: dict[str, Any] = {"text": text}
        if reply_to is not None:
            fields["reply_to_message"] = {
                "message_id": reply_to, "date": int(time.time()), "chat": self._desk(), "from": BOT_USER, "text": "card",
            }  # fmt: skip
        return self.api.push({"message": self._message(self._desk(), agent, **fields)})

    @staticmethod
    def _desk() -> dict[str, Any]:
        return {"id": AGENT_CHAT, "type": "supergroup", "title": "Desk"}

    # --- observing --------------------------------------------------------------------

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or condition}")
            await asyncio.sleep(0.01)

    def to_buyer(self, buyer: int = BUYER) -> list[str]:
        return self.api.texts_to(buyer)

    def cards(self) -> list:
        """Cards posted to the desk (messages with buttons), oldest first."""
        return [
            c
            for c in self.api.calls_of("sendMessage", AGENT_CHAT)
            if c.params.get("reply_markup") and c.params.get("_ok")
        ]

    async def wait_card(self, count: int = 1) -> int:
        cards = await self.wait_for(
            lambda: len(self.cards()) >= count and self.cards(), what=f"{count} cards"
        )
        card_id = cards[count - 1].params["_message_id"]
        await self.draft_of_card(card_id)
        return card_id

    async def draft_of_card(self, card_id: int) -> int:
        """The id of the draft whose card this is, once the gateway has recorded it.

        The card is recorded on its draft right after Telegram accepts it: a press
        before that is refused as not this draft's card, so tests wait for it."""
        return await self.wait_for(
            lambda: self.db(
                lambda s: s.scalars(
                    select(Draft.id).where(Draft.card_message_id == str(card_id))
                ).one_or_none()
            ),
            what=f"card {card_id} recorded on its draft",
        )

    def edits_of(self, card_id: int) -> list[str]:
        return [
            c.text or ""
            for c in self.api.calls_of("editMessageText", AGENT_CHAT)
            if int(c.params["message_id"]) == card_id
        ]

    def desk_texts(self) -> list[str]:
        return self.api.texts_to(AGENT_CHAT)

    def db(self, work: Callable[[Session], Any]) -> Any:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            return work(session)

    async def idle(self) -> None:
        """Every update fetched and every chat worker finished."""
        await self.wait_for(lambda: self.api.pending_updates() == 0, what="updates fetched")
        await self.wait_for(lambda: not self.gateway.queue.busy(), what="workers idle")


@pytest.fixture
def fake_api() -> FakeBotApi:
    api = FakeBotApi().start()
    yield api
    api.stop()


@pytest.fixture
def fake_rasa() -> FakeRasa:
    rasa = FakeRasa().start()
    yield rasa
    rasa.stop()


@pytest.fixture
def shop_engine(db_url: str, demo_data: dict) -> Engine:
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        load_demo(session, data=demo_data)
    return engine


@pytest.fixture
def settings(fake_api: FakeBotApi, fake_rasa: FakeRasa, db_url: str) -> Settings:
    return Settings(
        rasa_urls=(fake_rasa.url,),
        telegram_token=fake_api.token,
        telegram_base_url=fake_api.url,
        agent_chat_id=AGENT_CHAT,
        agent_ids=frozenset(AGENTS),
        supervisor_ids=frozenset({SUPERVISOR}),
        holding_after_s=30.0,
        database_url=db_url,
        rasa_retry_base_s=0.05,
        rasa_retry_max_s=0.2,
        chat_send_interval_s=0.0,
        group_send_interval_s=0.0,
        routing_file=ROUTING_FILE,
    )


@pytest.fixture
async def harness(
    fake_api: FakeBotApi, fake_rasa: FakeRasa, shop_engine: Engine, settings: Settings
) -> AsyncIterator[Harness]:
    h = Harness(fake_api, fake_rasa, shop_engine, settings)
    yield h
    await h.stop()
    assert not fake_api.unexpected, f"unexpected Bot API calls: {fake_api.unexpected}"
