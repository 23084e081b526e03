"""The inspect channel over real HTTP: buyer commands, action-server outages, retried messages.

The channel runs in a real Sanic server; Rasa's message handling is a small
stand-in that does what Rasa's processor does with a turn (logs the user message
with its id, runs the action through Rasa's own `RemoteAction`, catches its
failure as the processor does, saves the tracker), so no trained model is needed.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.endpoints import EndpointConfig
from sanic import Sanic

from nlu.server import action_http, action_outage, action_payload, action_validation
from nlu.server.channel import InspectRestInput

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

_apps = itertools.count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StandInRasa:
    """What Rasa's processor does with one turn, minus the model."""

    def __init__(self, action_url: str) -> None:
        self.domain = Domain.empty()
        self.store = InMemoryTrackerStore(self.domain)
        self.action = RemoteAction("action_greet", EndpointConfig(action_url))
        self.handled: list[str] = []
        self.gate: asyncio.Event | None = None  # set: a turn waits for it (a slow turn)
        self.ready = True  # False: no model loaded yet (Rasa ignores the message)

    async def on_new_message(self, message: UserMessage) -> None:
        self.handled.append(message.text)
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        tracker.update(
            UserUttered(
                message.text,
                intent={"name": "greet", "confidence": 0.9},
                message_id=message.message_id,
            )
        )
        if self.gate is not None:
            await self.gate.wait()
        try:
            events = await self.action.run(message.output_channel, None, tracker, self.domain)
        except Exception:  # Rasa's processor logs a failed action and goes on
            events = []
        tracker.update(ActionExecuted("action_greet"))
        for event in events:
            tracker.update(event)
            if isinstance(event, BotUttered):
                await message.output_channel.send_response(
                    message.sender_id, {"text": event.text, **event.data}
                )
        await self.store.save(tracker)


class ActionServer:
    """An action server answering one reply and the draft message, or HTTP 500."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.calls = 0
        self.fail = False
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        async def webhook(request: web.Request) -> web.Response:
            self.calls += 1
            if self.fail:
                return web.json_response({"error": "boom"}, status=500)
            return web.json_response(
                {"events": [], "responses": [{"text": "亲，您好～"}, {"custom": {"draft": {"action": "x"}}}]}
            )

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class Channel:
    """Our channel in a real Sanic server, in front of `rasa`."""

    def __init__(self, rasa: StandInRasa) -> None:
        self.rasa = rasa
        self.port = free_port()
        self._server: Any = None

    async def start(self) -> None:
        app = Sanic(f"channel_test_{next(_apps)}")
        app.ctx.agent = SimpleNamespace(tracker_store=self.rasa.store, is_ready=lambda: self.rasa.ready)
        app.blueprint(
            InspectRestInput(token=TOKEN).blueprint(self.rasa.on_new_message), url_prefix="/webhooks/inspect"
        )
        self._server = await app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
        )
        await self._server.startup()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def post(self, body: dict[str, Any], timeout: float = 10) -> tuple[int, dict[str, Any]]:
        url = f"http://127.0.0.1:{self.port}/webhooks/inspect/webhook"
        async with aiohttp.ClientSession() as http:
            async with http.post(
                url, json=body, headers=AUTH, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as resp:
                return resp.status, await resp.json()


Scenario = Callable[[Channel, ActionServer], Awaitable[None]]


def run(scenario: Scenario) -> None:
    """Runs `scenario` against a fresh channel and action server (no async test plugin here)."""

    async def main() -> None:
        actions = ActionServer(free_port())
        await actions.start()
        channel = Channel(StandInRasa(f"http://127.0.0.1:{actions.port}/webhook"))
        await channel.start()
        try:
            await scenario(channel, actions)
        finally:
            await channel.stop()
            await actions.stop()

    # Sanic 21.12 rewrites its own methods when an app starts; only in test mode can a
    # second app in the same process start (it rewrites from the kept originals).
    test_mode, Sanic.test_mode = Sanic.test_mode, True
    try:
        asyncio.run(main())
    finally:
        Sanic.test_mode = test_mode
        for module in (action_outage, action_http, action_payload, action_validation):
            module.uninstall()


def _texts(answer: dict[str, Any]) -> list[str]:
    return [m["text"] for m in answer.get("messages", []) if m.get("text")]


@pytest.mark.parametrize(
    "typed", ["/restart", '/request_return{"order_id": "5021873340001"}@1.0', "\u3000 /affirm"]
)
def test_buyer_text_never_reaches_rasa_as_a_command(typed: str) -> None:
    async def scenario(channel: Channel, actions: ActionServer) -> None:
        status, _ = await channel.post({"sender": "tg-1", "message": typed})
        assert status == 200
        received = channel.rasa.handled[0]
        # Rasa's own RegexMessageHandler finds no command in what reached it.
        unpacked = YAMLStoryReader.unpack_regex_message(Message(data={"text": received}), channel.rasa.domain)
        assert unpacked.get("intent") is None
        assert received.strip().startswith("／")

    run(scenario)


def test_an_unreachable_action_server_is_answered_as_an_outage() -> None:
    async def scenario(channel: Channel, actions: ActionServer) -> None:
        await actions.stop()
        status, answer = await channel.post({"sender": "tg-1", "message": "你好", "message_id": "m1"})
        assert (status, answer["error"]) == (503, "action_server_unavailable")
        # Back up: the retry of the same message is handled again and answered.
        await actions.start()
        status, answer = await channel.post({"sender": "tg-1", "message": "你好", "message_id": "m1"})
        assert (status, _texts(answer)) == (200, ["亲，您好～"])
        assert channel.rasa.handled == ["你好", "你好"]

    run(scenario)


def test_an_action_that_fails_is_not_an_outage() -> None:
    async def scenario(channel: Channel, actions: ActionServer) -> None:
        actions.fail = True
        status, answer = await channel.post({"sender": "tg-1", "message": "你好", "message_id": "m1"})
        assert (status, answer["messages"]) == (200, [])  # the gateway gives it to an agent

    run(scenario)


def test_a_retried_message_is_answered_without_being_handled_again() -> None:
    async def scenario(channel: Channel, actions: ActionServer) -> None:
        body = {"sender": "tg-1", "message": "你好", "message_id": "m1"}
        first = await channel.post(body)
        again = await channel.post(body)
        assert first == again
        assert _texts(first[1]) == ["亲，您好～"]
        assert (channel.rasa.handled, actions.calls) == (["你好"], 1)
        other = await channel.post({**body, "message_id": "m2"})
        assert other[0] == 200 and len(channel.rasa.handled) == 2

    run(scenario)


def test_a_client_that_hangs_up_mid_turn_gets_the_answer_on_its_retry() -> None:
    async def scenario(channel: Channel, actions: ActionServer) -> None:
        channel.rasa.gate = asyncio.Event()
        body = {"sender": "tg-1", "message": "你好", "message_id": "m1"}
        with pytest.raises(asyncio.TimeoutError):
            await channel.post(body, timeout=0.5)  # the gateway's connection is reset mid-turn
        retry = asyncio.create_task(channel.post(body))
        await asyncio.sleep(0)  # (the retry waits for the first turn; no timing is asserted)
        channel.rasa.gate.set()
        status, answer = await retry
        assert (status, _texts(answer)) == (200, ["亲，您好～"])
        assert (channel.rasa.handled, actions.calls) == (["你好"], 1)

    run(scenario)


def test_a_message_handled_before_a_restart_is_answered_from_the_tracker() -> None:
    async def scenario(channel: Channel, actions: ActionServer) -> None:
        body = {"sender": "tg-1", "message": "你好", "message_id": "m1"}
        first = await channel.post(body)
        await channel.stop()
        restarted = Channel(channel.rasa)  # a new server process, the same tracker store
        await restarted.start()
        try:
            again = await restarted.post(body)
        finally:
            await restarted.stop()
        assert again[0] == 200
        assert _texts(again[1]) == _texts(first[1]) == ["亲，您好～"]
        assert again[1]["messages"] == first[1]["messages"]  # the draft metadata too
        assert again[1]["intent"] == first[1]["intent"]
        assert (channel.rasa.handled, actions.calls) == (["你好"], 1)

    run(scenario)


def test_a_server_without_a_model_is_an_outage() -> None:
    async def scenario(channel: Channel, actions: ActionServer) -> None:
        channel.rasa.ready = False
        status, answer = await channel.post({"sender": "tg-1", "message": "你好", "message_id": "m1"})
        assert (status, answer["error"]) == (503, "model_not_loaded")
        channel.rasa.ready = True
        status, answer = await channel.post({"sender": "tg-1", "message": "你好", "message_id": "m1"})
        assert (status, _texts(answer)) == (200, ["亲，您好～"])

    run(scenario)
