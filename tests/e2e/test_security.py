"""The real stack keeps its doors shut: every internal hop needs its secret (issue 16, items 3 and 13).

Runs against the session's action server + Rasa server (tests/e2e/conftest.py).
"""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest

from stack.servers import endpoints_file
from stack.settings import load_settings

CHANNEL = "/webhooks/inspect/webhook"


def _env_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)


def _message(sender: str, text: str) -> dict:
    return {"sender": sender, "message": text, "metadata": {"channel": "telegram", "user_id": "4242"}}


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/status"),
        ("GET", "/conversations/tg-4242/tracker"),
        ("PUT", "/model"),
        ("POST", "/conversations/tg-4242/messages"),
    ],
)
@pytest.mark.parametrize("token", [None, "a-wrong-token"])
def test_rasas_api_refuses_calls_without_its_token(stack, method, path, token):
    params = {"token": token} if token else {}
    resp = httpx.request(method, stack.rasa_url + path, params=params, json={}, trust_env=False, timeout=30)
    assert resp.status_code in (401, 403), resp.text
    assert "tg-4242" not in resp.text and "events" not in resp.text


def test_rasas_api_answers_with_its_token(stack):
    resp = httpx.get(
        stack.rasa_url + "/status", params={"token": stack.rasa_token}, trust_env=False, timeout=30
    )
    assert resp.status_code == 200 and resp.json()["model_file"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer a-wrong-token"}])
def test_our_channel_refuses_a_message_without_the_gateways_token(stack, headers):
    resp = httpx.post(
        stack.rasa_url + CHANNEL,
        json=_message("tg-forged", "我的快递到哪了"),
        headers=headers,
        trust_env=False,
    )
    assert resp.status_code == 401 and resp.json() == {"error": "unauthorized"}
    health = httpx.get(stack.rasa_url + "/webhooks/inspect/", headers=headers, trust_env=False)
    assert health.status_code == 401


def test_the_stacks_action_server_refuses_rasa_calls_without_the_secret(stack):
    resp = httpx.post(
        stack.action_url, json={"next_action": "action_order_status"}, trust_env=False, timeout=30
    )
    assert resp.status_code == 401 and resp.json() == {"error": "unauthorized"}


def test_rasa_does_not_log_buyer_text_that_starts_with_a_slash(stack, demo_env):
    headers = {"Authorization": f"Bearer {stack.rasa_token}"}
    texts = ["/查订单 MARK-ONE 我家地址", "/@MARK-TWO", "/greet{MARK-THREE", "/nosuchintent@0.9 MARK-FOUR"]
    for text in texts:
        resp = httpx.post(
            stack.rasa_url + CHANNEL,
            json=_message("tg-slash", text),
            headers=headers,
            trust_env=False,
            timeout=60,
        )
        assert resp.status_code == 200, resp.text  # handled: the log is what this test is about
    log = (Path(demo_env["E2E_VAR_DIR"]) / "logs" / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert "Starting Rasa server on" in log  # the right log file
    for mark in ("MARK-ONE", "MARK-TWO", "MARK-THREE", "MARK-FOUR"):
        assert mark not in log


def test_each_server_process_has_only_its_own_secrets(stack):
    action_proc, rasa_proc = stack.processes
    action, rasa = _env_of(action_proc.pid), _env_of(rasa_proc.pid)
    # The gateway's environment has them (conftest): none reaches Rasa, only the shop DB the action server.
    assert "TELEGRAM_BOT_TOKEN" not in rasa and "TELEGRAM_BOT_TOKEN" not in action
    assert "WEBHOOK_SECRET" not in rasa and "WEBHOOK_SECRET" not in action
    assert "DATABASE_URL" not in rasa and action["DATABASE_URL"].startswith("sqlite:///")
    assert rasa["RASA_TOKEN"] == stack.rasa_token and "RASA_TOKEN" not in action
    assert "ACTION_SERVER_SECRET" in action and "ACTION_SERVER_SECRET" not in rasa
    # Nor on a command line, which every local user can read.
    for proc in stack.processes:
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode(errors="replace")
        assert stack.rasa_token not in cmdline and action["ACTION_SERVER_SECRET"] not in cmdline


def test_files_holding_secrets_are_owner_only(stack, demo_env):
    settings = load_settings({"VAR_DIR": demo_env["E2E_VAR_DIR"]})
    port = httpx.URL(stack.rasa_url).port
    endpoints = endpoints_file(settings, port)
    assert "Authorization" in endpoints.read_text(encoding="utf-8")
    for path in (endpoints, settings.run_dir / "upstream.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(settings.run_dir.stat().st_mode) == 0o700
