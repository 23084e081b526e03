"""/teach through the real python-telegram-bot client against the Bot API stand-in."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest
from telegram.ext import ApplicationBuilder

from bot.teach import register_teach
from desk.inbox import add_item, list_items
from shop.db.engine import session_scope
from stack.settings import load_settings
from tests.fakes.bot_api import FakeBotApi

TRAINER, STRANGER = 501, 502


def _update(uid: int, text: str, mid: int) -> dict:
    chat = {"id": uid, "type": "private", "first_name": "T"}
    command = text.split()[0]
    return {
        "message": {
            "message_id": mid,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": uid, "is_bot": False, "first_name": "T"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        }
    }


async def _wait(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def api():
    fake = FakeBotApi().start()
    yield fake
    fake.stop()


async def test_teach_lists_and_labels_for_trainers_only(api, tiny, sqlite_url):
    with session_scope(sqlite_url) as s:
        item = add_item(
            text="能不能再便宜点呀",
            reason="rejected",
            model_intent="greet",
            confidence=0.5,
            agent_intent="bargain",
            session=s,
        )
    settings = replace(load_settings({}), trainer_ids=frozenset({TRAINER}), database_url=sqlite_url)
    app = ApplicationBuilder().token(api.token).base_url(f"{api.url}/bot").build()
    register_teach(app, settings, project_root=tiny.root)
    await app.initialize()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    try:
        api.push(_update(STRANGER, "/teach", 1))
        api.push(_update(TRAINER, "/teach", 2))
        await _wait(lambda: api.texts_to(TRAINER))
        assert f"#{item.id} 能不能再便宜点呀" in api.texts_to(TRAINER)[0]
        api.push(_update(TRAINER, f"/teach {item.id} bargain", 3))
        await _wait(lambda: len(api.texts_to(TRAINER)) == 2)
        assert api.texts_to(TRAINER)[1].startswith(f"Added #{item.id} → bargain (bargain.yml)")
        api.push(_update(TRAINER, f"/teach {item.id} bargain", 4))
        await _wait(lambda: len(api.texts_to(TRAINER)) == 3)
        assert "already there" in api.texts_to(TRAINER)[2]
        assert api.texts_to(STRANGER) == [] and not api.unexpected
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert "能不能再便宜点呀" in (tiny.nlu_dir / "bargain.yml").read_text(encoding="utf-8")
    with session_scope(sqlite_url) as s:
        assert [i.status for i in list_items(session=s, status=None)] == ["labelled"]
