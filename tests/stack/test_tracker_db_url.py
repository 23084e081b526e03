"""TRACKER_DB_URL reaches Rasa's SQL tracker store whole: any username, password or database name."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import yaml

from shop.db.devpg import PostgresServer
from stack.servers import StartError, endpoints_yaml, running_stack
from stack.settings import load_settings
from tests.stack.rasa_endpoints import rasa_reads_endpoints

# What YAML or a URL would read otherwise: quotes, escapes, comments, separators, a line break,
# and what Rasa would take for an environment variable.
NASTY = 'a"b\\c#d: e\nf${HOME}@/?%g'


def _url(username: str, password: str, db: str, host: str = "127.0.0.1", port: int = 5433) -> str:
    def enc(part: str) -> str:
        return quote(part, safe="")

    return f"postgresql+psycopg://{enc(username)}:{enc(password)}@{host}:{port}/{enc(db)}"


def _tracker_store(tmp_path: Path, tracker_db_url: str) -> dict:
    settings = replace(load_settings({}), var_dir=tmp_path, tracker_db_url=tracker_db_url)
    return yaml.safe_load(endpoints_yaml(settings, "http://127.0.0.1:5055/webhook"))["tracker_store"]


@pytest.mark.parametrize(
    ("username", "password", "db"),
    [
        ("shop", NASTY, "rasa_tracker"),
        (NASTY, "pw", "rasa_tracker"),
        ("shop", "pw", NASTY),
        ('"', "\\", "#"),
        ("shop", "密码 ✓", "对话"),  # non-ASCII, percent-encoded as UTF-8
    ],
)
def test_every_part_of_tracker_db_url_reaches_the_tracker_store(
    tmp_path: Path, username: str, password: str, db: str
) -> None:
    store = _tracker_store(tmp_path, _url(username, password, db))
    assert store == {
        "type": "nlu.server.tracker_store.CachedSQLTrackerStore",
        "dialect": "postgresql",
        "url": "127.0.0.1",
        "port": 5433,
        "db": db,
        "username": username,
        "password": password,
    }


def test_a_tracker_db_url_without_password_or_port_takes_postgresqls_defaults(tmp_path: Path) -> None:
    store = _tracker_store(tmp_path, "postgresql+psycopg://shop@db.internal/rasa_tracker")
    assert (store["url"], store["port"], store["db"], store["username"]) == (
        "db.internal",
        5432,
        "rasa_tracker",
        "shop",
    )
    assert "password" not in store  # Rasa's default (none), not an empty password


@pytest.mark.parametrize("scheme", ["postgresql", "postgresql+psycopg2", "postgres"])
def test_any_postgresql_scheme_is_read(tmp_path: Path, scheme: str) -> None:
    assert _tracker_store(tmp_path, f"{scheme}://shop@db.internal/rasa")["db"] == "rasa"


def test_an_ipv6_tracker_db_host_reaches_rasa_in_brackets(tmp_path: Path) -> None:
    # Rasa reads `url` as "scheme://" + url: a bare "::1" would be taken for a host and a port.
    assert _tracker_store(tmp_path, _url("shop", "pw", "rasa", host="[::1]"))["url"] == "[::1]"


def test_a_tracker_db_behind_a_unix_socket_is_reached_as_for_database_url(tmp_path: Path) -> None:
    store = _tracker_store(tmp_path, "postgresql+psycopg://shop@/rasa_tracker?host=/var/run/postgresql")
    assert (store["url"], store["db"], store["username"]) == ("/var/run/postgresql", "rasa_tracker", "shop")


def test_secrets_and_paths_elsewhere_in_the_endpoints_survive_yaml(tmp_path: Path) -> None:
    odd_var = tmp_path / 'var "#: x'
    settings = replace(load_settings({}), var_dir=odd_var)
    endpoints = yaml.safe_load(endpoints_yaml(settings, "http://127.0.0.1:5055/webhook", action_secret=NASTY))
    assert endpoints["action_endpoint"]["headers"]["Authorization"] == f"Bearer {NASTY}"
    assert endpoints["tracker_store"]["db"] == str(odd_var / "rasa_tracker.db")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql+psycopg://shop:hunter2#x@127.0.0.1/rasa", "percent-encoded"),
        ("postgresql+psycopg://shop:hunter2[x@127.0.0.1/rasa", "percent-encoded"),
        ("postgresql+psycopg://shop:hunter2@127.0.0.1:54x2/rasa", "port"),
        ("postgresql+psycopg://shop:hunter2@127.0.0.1:5432/", "database"),
        ("mysql://shop:hunter2@127.0.0.1/rasa", "postgresql"),
        ("postgresql+psycopg://shop:hunter2@127.0.0.1/rasa?sslmode=require", "options after"),
    ],
)
def test_an_unreadable_tracker_db_url_is_one_clear_error_before_anything_starts(
    tmp_path: Path, url: str, said: str
) -> None:
    settings = replace(load_settings({}), var_dir=tmp_path, tracker_db_url=url)
    with pytest.raises(StartError, match=said) as raised:
        with running_stack(settings):
            pass
    assert "hunter2" not in str(raised.value) and "\n" not in str(raised.value)
    assert not (tmp_path / "logs").exists()  # no server was started


# --- Rasa's own tracker store, reading our endpoints, logs in to a real PostgreSQL with a password ---

RASA_SAVES_A_TRACKER = """
import asyncio
import sys

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

for number, endpoints in enumerate(sys.argv[1:]):
    store = TrackerStore.create(read_endpoint_config(endpoints, "tracker_store"), Domain.empty())
    tracker = DialogueStateTracker.from_events(f"chat-{number}", [UserUttered("hello")])
    try:
        asyncio.run(store.save(tracker))
        outcome = "saved"
    except Exception as error:
        outcome = "refused" if "password authentication failed" in str(error) else "unreachable"
    print(type(store).__name__, outcome, store.engine.url.host)
"""


def _require_password(server: PostgresServer, role: str, password: str, db: str) -> None:
    """A role that must log in with `password` over TCP (the test server trusts everyone else)."""

    def ident(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    hba = server.datadir / "pg_hba.conf"
    hba.write_text(
        f"host all {ident(role)} 127.0.0.1/32 scram-sha-256\n" + hba.read_text()
    )  # first match wins
    with server.admin() as conn:
        conn.execute("SET password_encryption = 'scram-sha-256'")
        literal = "'" + password.replace("'", "''") + "'"
        conn.execute(f"CREATE ROLE {ident(role)} LOGIN PASSWORD {literal}")
        conn.execute(f"CREATE DATABASE {ident(db)} OWNER {ident(role)}")
        conn.execute("SELECT pg_reload_conf()")


def test_rasas_tracker_store_logs_in_with_a_password_holding_quote_and_hash(
    tmp_path: Path, pg_server: PostgresServer
) -> None:
    role, password, db = 'rasa"#tracker', 'pw"#x: \\y${HOME}', 'conversations"#'
    _require_password(pg_server, role, password, db)
    socket = f"postgresql+psycopg://{quote(role, safe='')}@:{pg_server.port}/{quote(db, safe='')}"
    urls = {
        "tcp": _url(role, password, db, port=pg_server.port),
        "wrong": _url(role, password + "x", db, port=pg_server.port),
        "socket": f"{socket}?host={pg_server.root}",  # the server's socket folder; local sockets are trusted
        "ipv6": _url(
            role, password, db, host="[::1]", port=pg_server.port
        ),  # the server listens on 127.0.0.1 only
    }
    settings = {
        name: replace(load_settings({}), var_dir=tmp_path, tracker_db_url=url) for name, url in urls.items()
    }
    said = rasa_reads_endpoints(RASA_SAVES_A_TRACKER, settings, tmp_path)
    # The password really is checked: one character more and PostgreSQL refuses it.
    assert said.splitlines() == [
        "CachedSQLTrackerStore saved 127.0.0.1",
        "CachedSQLTrackerStore refused 127.0.0.1",
        f"CachedSQLTrackerStore saved {pg_server.root}",
        "CachedSQLTrackerStore unreachable ::1",  # an IPv6 address reaches Rasa whole
    ]
    with psycopg.connect(
        host="127.0.0.1", port=pg_server.port, user=role, password=password, dbname=db
    ) as conn:
        senders = conn.execute("SELECT DISTINCT sender_id FROM events ORDER BY 1").fetchall()
    assert senders == [("chat-0",), ("chat-2",)]
