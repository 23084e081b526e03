"""Starting the servers: clear one-line errors, nothing left running, nothing open to others."""

import asyncio
import json
import logging
import os
import socket
import stat
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from desk.rasa_client import RasaClient
from stack import rasa_api
from stack.private_files import write_private
from stack.process_env import action_env, rasa_env
from stack.servers import (
    StartError,
    endpoints_yaml,
    find_model,
    free_port,
    running_stack,
    start_action_server,
    stop,
)
from stack.settings import load_settings
from stack.upstream import Upstream, UpstreamFollower, write_upstream
from tests.fakes.rasa import FakeRasa


def test_a_port_in_use_gets_a_clear_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        settings = replace(
            load_settings({}), action_port=port, var_dir=tmp_path, model_path=Path(__file__)
        )  # any existing file passes find_model
        with pytest.raises(StartError, match=f"port {port} .* in use.*ACTION_PORT"):
            with running_stack(settings):
                pass


def test_a_missing_model_says_to_train(tmp_path):
    settings = replace(load_settings({}), model_path=tmp_path / "nope.tar.gz")
    with pytest.raises(StartError, match="make train"):
        find_model(settings)


def test_a_server_that_dies_at_start_is_reported_and_reaped(tmp_path):
    # A "model" that is no model: Rasa exits at start; the action server must be stopped too.
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a model")
    action_port = free_port()
    settings = replace(load_settings({}), model_path=bogus, var_dir=tmp_path, action_port=action_port)
    with pytest.raises(StartError, match="could not load the model bogus.tar.gz"):
        with running_stack(settings):
            pass
    log = tmp_path / "logs" / "actions.log"
    assert log.exists()
    # Nothing with a secret is left behind: the endpoints file holds the tracker DB password.
    assert not list((tmp_path / "run").glob("endpoints-*.yml"))
    assert not (tmp_path / "run" / "upstream.json").exists()
    with socket.socket() as probe:  # the action server's port is free again: it was stopped
        assert probe.connect_ex(("127.0.0.1", action_port)) != 0


def test_endpoints_use_sql_tracker_and_optional_redis(tmp_path):
    settings = replace(load_settings({}), var_dir=tmp_path)
    text = endpoints_yaml(settings, "http://127.0.0.1:5055/webhook", action_secret="s3cret")
    assert 'headers:\n    Authorization: "Bearer s3cret"' in text  # what our action server checks
    assert "dialect: sqlite" in text and str(tmp_path / "rasa_tracker.db") in text
    assert "type: nlu.server.tracker_store.CachedSQLTrackerStore" in text
    assert "lock_store" not in text
    stock = endpoints_yaml(settings, "http://127.0.0.1:5055/webhook", tracker_store="SQL")
    assert "type: SQL\n" in stock and "dialect: sqlite" in stock
    pg = replace(
        settings,
        tracker_db_url="postgresql+psycopg://u:p@127.0.0.1:5433/rasa",
        redis_url="redis://127.0.0.1:6380",
    )
    text = endpoints_yaml(pg, "http://x/webhook")
    assert (
        'url: "127.0.0.1"' in text and "host:" not in text and "port: 5433" in text and 'db: "rasa"' in text
    )
    assert "type: redis" in text and "port: 6380" in text


# --- issue 16: internal servers bound and authenticated; no stale upstream; secrets kept close ---


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) that listen on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def _forged_action_call(user_id: str) -> dict:
    """What an attacker posts: Rasa's action call, a linked buyer's identity in the metadata."""
    latest = {
        "text": "我的快递到哪了",
        "intent": {"name": "ask_order_status", "confidence": 0.99},
        "entities": [],
        "metadata": {"channel": "telegram", "user_id": user_id},
    }
    return {
        "next_action": "action_order_status",
        "sender_id": f"tg-{user_id}",
        "version": "3.6.21",
        "domain": {
            "intents": ["ask_order_status"],
            "entities": [],
            "slots": {},
            "responses": {},
            "actions": [],
        },
        "tracker": {
            "sender_id": f"tg-{user_id}",
            "slots": {},
            "latest_message": latest,
            "events": [{"event": "user", **latest, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@pytest.fixture
def linked_shop(tmp_path):
    """A demo shop in which Telegram user 777 is verified as tb_linlin; her order ids."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from shop.db.engine import dispose_engine, make_engine
    from shop.demo import ensure_demo_loaded
    from shop.models import Buyer, Order
    from shop.store.linking import ensure_verified_link

    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = make_engine(url)
    ensure_demo_loaded(engine)
    with Session(engine) as session, session.begin():
        ensure_verified_link("telegram", "777", "tb_linlin", session=session)
        orders = session.scalars(select(Order.id).join(Buyer).where(Buyer.account == "tb_linlin")).all()
    dispose_engine(url)
    assert orders
    return url, [str(o) for o in orders]


def test_the_action_server_refuses_a_forged_call_and_listens_on_localhost_only(tmp_path, linked_shop):
    url, order_ids = linked_shop
    settings = replace(load_settings({}), var_dir=tmp_path / "var", database_url=url)
    processes: list = []
    try:
        action_url = start_action_server(settings, processes, secret="the-right-secret")
        port = httpx.URL(action_url).port
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else
        forged = _forged_action_call("777")
        for headers in (
            {},
            {"Authorization": "Bearer a-wrong-secret"},
            {"Authorization": "the-right-secret"},
        ):
            resp = httpx.post(action_url, json=forged, headers=headers, trust_env=False, timeout=30)
            assert resp.status_code == 401
            assert resp.json() == {
                "error": "unauthorized"
            }  # nothing about the buyer, the shop or the request
        listing = httpx.get(action_url.replace("/webhook", "/actions"), trust_env=False, timeout=30)
        assert listing.status_code == 401
        # The same call from Rasa (with the secret) is answered: the secret is what stopped it.
        ok = httpx.post(
            action_url,
            json=forged,
            headers={"Authorization": "Bearer the-right-secret"},
            trust_env=False,
            timeout=30,
        )
        assert ok.status_code == 200, ok.text
        assert any(order_id in ok.text for order_id in order_ids)
    finally:
        stop(processes)


def test_a_stale_upstream_file_is_ignored(tmp_path):
    # A killed stack leaves upstream.json naming servers that are gone.
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    path = tmp_path / "run" / "upstream.json"
    write_upstream(path, ["http://127.0.0.1:9"], pids=[gone.pid], token="old-token")
    follower = UpstreamFollower(path, ["http://configured:5005"], "configured-token")
    assert follower.current() == Upstream(["http://configured:5005"], "configured-token")
    # The same file naming a running server (this process) is followed, token included.
    write_upstream(path, ["http://127.0.0.1:9"], pids=[os.getpid()], token="stack-token")
    assert follower.current() == Upstream(["http://127.0.0.1:9"], "stack-token")
    assert follower.current().token == "stack-token"
    # A pid that now belongs to another process (started at another time) does not count.
    data = json.loads(path.read_text(encoding="utf-8"))
    data["servers"][0]["started"] = "1"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert follower.urls() == ["http://configured:5005"]
    # A file that names no servers (a hand-made or older one) is not trusted either.
    path.write_text(json.dumps({"urls": ["http://127.0.0.1:9"]}), encoding="utf-8")
    assert follower.urls() == ["http://configured:5005"]


def test_an_upstream_file_is_dropped_when_its_server_dies_later(tmp_path):
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    path = tmp_path / "run" / "upstream.json"
    write_upstream(path, ["http://127.0.0.1:9"], pids=[server.pid])
    follower = UpstreamFollower(path, ["http://configured:5005"])
    assert follower.urls() == ["http://127.0.0.1:9"]
    server.kill()
    server.wait()
    deadline = time.monotonic() + 30  # looked at again within LIVENESS_CHECK_S
    while follower.urls() != ["http://configured:5005"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert follower.urls() == ["http://configured:5005"]


def test_a_gateway_with_a_stale_upstream_file_reaches_the_configured_rasa(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    upstream = tmp_path / "run" / "upstream.json"
    write_upstream(upstream, [f"http://127.0.0.1:{free_port()}"], pids=[gone.pid])
    rasa = FakeRasa().start()
    try:

        async def send() -> str:
            client = RasaClient([rasa.url], timeout_s=5, upstream_file=upstream)
            try:
                return (await client.send("tg-1", "你好", {"channel": "telegram", "user_id": "1"})).intent
            finally:
                await client.aclose()

        asyncio.run(send())
        assert rasa.texts() == ["你好"]  # answered by RASA_URL, not retried against the dead port
    finally:
        rasa.stop()


def test_each_server_gets_only_the_environment_it_needs():
    parent = {
        "PATH": "/usr/bin",
        "HOME": "/home/shop",
        "LANG": "C.UTF-8",
        "TELEGRAM_BOT_TOKEN": "123:bot-token",
        "WEBHOOK_SECRET": "webhook-secret",
        "DATABASE_URL": "postgresql+psycopg://shop:pw@db/shop",
        "RASA_TOKEN": "configured-rasa-token",
        "ACTION_SERVER_SECRET": "configured-action-secret",
        "LOG_LEVEL": "INFO",
        "SOME_OTHER_PASSWORD": "x",
    }
    rasa = rasa_env("/project", rasa_token="rasa-token", environ=parent)
    assert rasa["RASA_TOKEN"] == "rasa-token" and rasa["PYTHONPATH"] == "/project"
    assert rasa["PATH"] == "/usr/bin" and rasa["LOG_LEVEL"] == "INFO"
    for withheld in (
        "TELEGRAM_BOT_TOKEN",
        "WEBHOOK_SECRET",
        "DATABASE_URL",
        "ACTION_SERVER_SECRET",
        "SOME_OTHER_PASSWORD",
    ):
        assert withheld not in rasa
    action = action_env(
        "/project", action_secret="action-secret", database_url="sqlite:///shop.db", environ=parent
    )
    assert action["ACTION_SERVER_SECRET"] == "action-secret" and action["DATABASE_URL"] == "sqlite:///shop.db"
    for withheld in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "RASA_TOKEN", "SOME_OTHER_PASSWORD"):
        assert withheld not in action


def test_files_with_secrets_are_owner_only(tmp_path):
    path = tmp_path / "run" / "endpoints-1.yml"
    (tmp_path / "run").mkdir()
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    write_private(path, 'password: "pw"\n')
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text() == 'password: "pw"\n'
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    write_upstream(tmp_path / "run" / "upstream.json", ["http://x"], pids=[os.getpid()], token="t")
    assert stat.S_IMODE((tmp_path / "run" / "upstream.json").stat().st_mode) == 0o600


def test_settings_never_show_secrets():
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "123:bot-token",
            "RASA_TOKEN": "rasa-token",
            "ACTION_SERVER_SECRET": "action-secret",
            "WEBHOOK_SECRET": "hook-secret",
            "DATABASE_URL": "postgresql+psycopg://shop:db-password@db/shop",
            "TRACKER_DB_URL": "postgresql+psycopg://rasa:tracker-password@db/rasa",
        }
    )
    shown = repr(settings)
    for secret in (
        "bot-token",
        "rasa-token",
        "action-secret",
        "hook-secret",
        "db-password",
        "tracker-password",
    ):
        assert secret not in shown
    assert settings.bind_host == "127.0.0.1" and settings.rasa_token == "rasa-token"


def test_rasa_api_token_is_withheld_from_http_logs(caplog):
    rasa = FakeRasa().start()  # answers any GET with 200: httpx logs the request line
    try:
        with caplog.at_level(logging.INFO, logger="httpx"):
            assert rasa_api.get(rasa.url, "/status", "the-api-token").status_code == 200
    finally:
        rasa.stop()
    assert "/status?token=***" in caplog.text  # the request was logged, without the token
    assert "the-api-token" not in caplog.text
