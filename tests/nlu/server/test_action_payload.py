"""Action calls carry the domain without its reply templates, and replies still render."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from nlu.server import action_http, action_payload
from nlu.server.channel import InspectRestInput
from tests.nlu.server.test_action_http import free_port

DOMAIN = Domain.from_dict(
    {
        "intents": ["ask_stock"],
        "entities": ["product_code"],
        "slots": {
            "product_code": {"type": "text", "mappings": [{"type": "from_entity", "entity": "product_code"}]}
        },
        "actions": ["action_stock"],
        "responses": {"utter_stock_ok": [{"text": "亲，{product_code}有货哦～"}]},
    }
)


async def call_action() -> tuple[dict, list]:
    """Runs action_stock against a stand-in action server; returns what it received and the events."""
    received: dict = {}

    async def webhook(request: web.Request) -> web.Response:
        received.update(await request.json())
        return web.json_response({"events": [], "responses": [{"response": "utter_stock_ok"}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    tracker = DialogueStateTracker.from_events(
        "buyer-1",
        [UserUttered("0201还有吗", {"name": "ask_stock"}), SlotSet("product_code", "0201")],
        DOMAIN.slots,
    )
    try:
        action = RemoteAction("action_stock", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        events = await action.run(CollectingOutputChannel(), nlg, tracker, DOMAIN)
    finally:
        await runner.cleanup()
    return received, events


@pytest.fixture
def patched() -> Any:
    action_payload.install()
    yield
    action_payload.uninstall()


def test_the_domain_is_sent_without_reply_templates(patched: None) -> None:
    received, _ = asyncio.run(call_action())
    full = DOMAIN.as_dict()
    assert "responses" not in received["domain"]
    assert received["domain"] == {k: v for k, v in full.items() if k != "responses"}
    assert received["domain"]["slots"]["product_code"]["type"] == "text"
    assert received["tracker"]["slots"]["product_code"] == "0201"
    assert received["next_action"] == "action_stock"


def test_the_reply_is_still_rendered_by_rasa(patched: None) -> None:
    _, events = asyncio.run(call_action())
    [uttered] = [e for e in events if isinstance(e, BotUttered)]
    assert uttered.text == "亲，0201有货哦～"


def test_rasa_alone_sends_the_templates() -> None:
    action_payload.uninstall()
    received, _ = asyncio.run(call_action())
    assert received["domain"]["responses"] == DOMAIN.as_dict()["responses"]


def test_our_channel_installs_it() -> None:
    action_payload.uninstall()
    InspectRestInput().blueprint(on_new_message=None)  # type: ignore[arg-type]
    try:
        assert RemoteAction._action_call_format is action_payload.action_call_format
    finally:
        action_payload.uninstall()
        action_http.uninstall()
