"""A database migrated only up to an earlier revision, to test a migration on a shop with data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shop.db.devpg import PostgresServer
from shop.db.engine import dispose_engine
from shop.db.migrate import upgrade


def database_at(revision: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yields the URL of a new database at ``revision`` on ``request.param``.

    For a fixture parametrized with ``tests.db_fixtures.BACKENDS`` ("sqlite", "postgresql").
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("pg_server")
        name = f"shop_{revision}_{tmp_path.name[-20:].lower().replace('-', '_')}"
        with server.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        url = server.url(name)
    upgrade(url, revision)
    try:
        yield url
    finally:
        dispose_engine(url)
