"""Rasa's action calls reuse one connection per endpoint, and survive an action server restart."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from nlu.server import action_http, action_payload
from nlu.server.channel import InspectRestInput


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def serve(port: int, seen: list) -> web.AppRunner:
    async def webhook(request: web.Request) -> web.Response:
        seen.append(request.transport.get_extra_info("peername")[1])  # the client's port: one per connection
        return web.json_response({"events": [], "echo": (await request.json())["n"]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def three_calls(restart_between: bool) -> tuple[list, list]:
    port, seen = free_port(), []
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    runner = await serve(port, seen)
    answers = [await endpoint.request(json={"n": 1}), await endpoint.request(json={"n": 2})]
    if restart_between:
        await runner.cleanup()
        runner = await serve(port, seen)
    answers.append(await endpoint.request(json={"n": 3}))
    await runner.cleanup()
    return [a["echo"] for a in answers], seen


@pytest.fixture
def patched() -> Any:
    action_http.install()
    yield
    action_http.uninstall()


def test_one_connection_for_many_calls(patched: None) -> None:
    answers, clients = asyncio.run(three_calls(restart_between=False))
    assert answers == [1, 2, 3]
    assert len(set(clients)) == 1


def test_a_restarted_action_server_is_reached_again(patched: None) -> None:
    answers, clients = asyncio.run(three_calls(restart_between=True))
    assert answers == [1, 2, 3]
    assert len(set(clients)) == 2


def test_rasa_alone_connects_every_time() -> None:
    action_http.uninstall()
    answers, clients = asyncio.run(three_calls(restart_between=False))
    assert answers == [1, 2, 3]
    assert len(set(clients)) == 3


def test_our_channel_installs_it() -> None:
    action_http.uninstall()
    InspectRestInput().blueprint(on_new_message=None)  # type: ignore[arg-type]
    try:
        assert EndpointConfig.session is action_http._shared_session
    finally:
        action_http.uninstall()
        action_payload.uninstall()
