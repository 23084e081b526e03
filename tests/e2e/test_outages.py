"""The real Rasa server with its action server stopped, and a retried message (issue 16 items 11, 17)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from desk.rasa_client import RasaClient, RasaTurn, RasaUnavailable
from stack.servers import start_action_server, stop
from stack.settings import load_settings

pytestmark = pytest.mark.e2e


def _user_events(tracker_db: Path, sender: str) -> list[dict]:
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def test_no_action_server_is_an_outage_and_a_retry_runs_the_turn_once(stack, demo_env) -> None:
    settings = replace(load_settings(demo_env), var_dir=Path(demo_env["E2E_VAR_DIR"]))
    action_port = httpx.URL(stack.action_url).port
    action_server = stack.processes[0]  # running_stack starts it first
    sender = f"e2e-outage-{uuid.uuid4().hex[:8]}"
    metadata = {"channel": "simulator", "user_id": "tb_linlin"}

    async def send(client: RasaClient, message_id: str) -> RasaTurn:
        return await client.send(sender, "你好", metadata, message_id=message_id)

    async def scenario() -> tuple[RasaTurn, RasaTurn]:
        client = RasaClient([stack.rasa_url], timeout_s=60, token=stack.rasa_token)
        try:
            stop([action_server])
            try:
                with pytest.raises(RasaUnavailable, match="action_server_unavailable"):
                    await send(client, "m1")
            finally:  # the other e2e tests need it back
                restarted: list = []
                start_action_server(
                    replace(settings, action_port=action_port), restarted, secret=stack.action_secret
                )
                stack.processes[0] = restarted[0]  # the stack's first process stays its action server
            first = await send(client, "m1")  # the gateway's retry, the action server back
            again = await send(client, "m1")  # the same message once more (a reset answer)
            return first, again
        finally:
            await client.aclose()

    first, again = asyncio.run(scenario())
    assert first.intent == again.intent == "greet"
    assert [m.get("text") for m in first.messages if m.get("text")]
    assert again.messages == first.messages
    # Rasa ran the turn once after the outage: the outage's own try left one user event.
    events = _user_events(settings.var_dir / "rasa_tracker.db", sender)
    assert [e.get("message_id") for e in events] == ["m1", "m1"]
