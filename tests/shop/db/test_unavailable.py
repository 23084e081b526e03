"""A database that cannot be reached gives ShopUnavailable, never a driver error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from desk import store as cs
from shop.db.devpg import _free_port, start_postgres, stop_postgres
from shop.db.engine import (
    db_errors_as_shop_errors,
    dispose_engine,
    in_transaction,
    is_unavailable_error,
    make_engine,
    session_scope,
)
from shop.db.errors import ShopUnavailable
from shop.db.migrate import upgrade
from shop.store.catalogue import get_product
from shop.store.linking import buyer_for_chat, link_chat
from shop.store.orders import orders_for_buyer
from shop.store.promotions import promotions_for_buyer
from shop.store.returns import create_return_request

ROOT = Path(__file__).resolve().parents[3]


def _every_call_is_unavailable(url: str) -> None:
    engine = make_engine(url)
    calls = [
        lambda s: get_product("0201", session=s),
        lambda s: orders_for_buyer("tb_linlin", session=s),
        lambda s: promotions_for_buyer(None, session=s),
        lambda s: create_return_request(1, "tb_linlin", kind="return", reason="", session=s),
        lambda s: buyer_for_chat("telegram", "1", session=s),
        lambda s: link_chat("telegram", "1", "5021873340003", "3821", session=s),
        lambda s: cs.record_inbound(channel="telegram", update_key="1", chat_id=1, user_id=1, session=s),
    ]
    for call in calls:
        with Session(engine) as session, pytest.raises(ShopUnavailable):
            call(session)
    with pytest.raises(ShopUnavailable), session_scope(url) as session:
        get_product("0201", session=session)
    # The front ends' db(): a statement outside the repositories, begin and commit too.
    with pytest.raises(ShopUnavailable):
        in_transaction(engine, lambda s: s.execute(text("select 1")))


def test_closed_port_postgres() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/shop"
    try:
        _every_call_is_unavailable(url)
    finally:
        dispose_engine(url)


def test_sqlite_file_that_cannot_be_opened(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    url = f"sqlite:///{blocker / 'shop.db'}"
    try:
        _every_call_is_unavailable(url)
    finally:
        dispose_engine(url)


@pytest.mark.postgres
def test_server_stopped_while_running() -> None:
    """Connections in the pool go stale when the server stops: still ShopUnavailable."""
    server = start_postgres()
    url = server.url("postgres")
    try:
        upgrade(url)
        with Session(make_engine(url)) as session:
            assert get_product("0201", session=session) is None
        server.stop()
        _every_call_is_unavailable(url)
    finally:
        dispose_engine(url)
        stop_postgres(server)


def test_which_errors_mean_unavailable() -> None:
    assert is_unavailable_error(exc.OperationalError("SELECT 1", {}, Exception("gone")))
    assert is_unavailable_error(exc.TimeoutError())
    assert not is_unavailable_error(exc.IntegrityError("INSERT", {}, Exception("dup")))
    with pytest.raises(exc.IntegrityError), db_errors_as_shop_errors():
        raise exc.IntegrityError("INSERT", {}, Exception("dup"))


def test_migrate_command_reports_unavailable_database() -> None:
    url = f"postgresql://postgres@127.0.0.1:{_free_port()}/shop"
    done = subprocess.run(
        [sys.executable, "-m", "shop.db.migrate", "--database-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Cannot migrate" in done.stderr and "Traceback" not in done.stderr
