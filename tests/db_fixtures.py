"""Database fixtures shared by the test suite (imported by tests/conftest.py).

- ``pg_server`` (session): a private PostgreSQL server, started on first use.
- ``db_url`` (per test, parametrized "sqlite" / "postgresql"): a migrated,
  empty shop database. SQLite: a fresh copy of a file migrated once per
  session. PostgreSQL: one database migrated once per session and emptied
  (DELETE from every table) before each test, which takes milliseconds where
  ``CREATE DATABASE ... TEMPLATE`` takes ~0.3 s. Ids are therefore not
  restarted between tests: tests must not assume particular ids.
- ``pg_url`` / ``sqlite_url``: the same for one backend only.
- ``engine``, ``session``: for ``db_url``.
- ``demo`` (the :class:`shop.demo.DemoLoadResult`, incl. ``now``) and
  ``demo_session``: the demo shop loaded into ``db_url``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shop.db.devpg import PostgresServer, PostgresUnavailable, start_postgres, stop_postgres
from shop.db.engine import dispose_engine, make_engine
from shop.db.migrate import upgrade
from shop.demo import DemoLoadResult, load_demo, read_demo_shop
from shop.models import Base

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]
PG_DATABASE = "shop_test"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL server for the whole session; fails (never skips) if it cannot start."""
    try:
        server = start_postgres()
    except PostgresUnavailable as error:
        pytest.fail(f"cannot run the PostgreSQL tests: {error}", pytrace=False)
    try:
        yield server
    finally:
        stop_postgres(server)


@pytest.fixture(scope="session")
def pg_database(pg_server: PostgresServer) -> str:
    """URL of the session's migrated PostgreSQL database (emptied per test by ``db_url``)."""
    with pg_server.admin() as conn:
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    url = pg_server.url(PG_DATABASE)
    upgrade(url)
    dispose_engine(url)
    return url


def empty_all_tables(url: str) -> None:
    """DELETE every row of every shop table (children first); the schema stays."""
    with make_engine(url).begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite file to copy per test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "shop.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    dispose_engine(url)  # closing the last connection checkpoints the WAL into the file
    return path


def _fresh_sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "shop.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    try:
        yield url
    finally:
        dispose_engine(url)


def _fresh_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    url: str = request.getfixturevalue("pg_database")
    # Emptied before (not after) the test, so a failed test's rows never leak.
    empty_all_tables(url)
    try:
        yield url
    finally:
        dispose_engine(url)


def fresh_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new migrated empty database on ``backend``; yields its URL."""
    if backend == "sqlite":
        yield from _fresh_sqlite(request, tmp_path)
    elif backend == "postgresql":
        yield from _fresh_postgres(request)
    else:  # pragma: no cover
        raise ValueError(backend)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty shop database, once per backend."""
    yield from fresh_database(request.param, request, tmp_path)


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty shop database on PostgreSQL only."""
    yield from fresh_database("postgresql", request, tmp_path)


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty shop database on SQLite only."""
    yield from fresh_database("sqlite", request, tmp_path)


@pytest.fixture
def engine(db_url: str) -> Engine:
    return make_engine(db_url)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on ``db_url``; the test commits or it is rolled back at the end."""
    with Session(engine) as session:
        yield session


@pytest.fixture(scope="session")
def demo_data() -> dict:
    return read_demo_shop()


@pytest.fixture
def demo(engine: Engine, demo_data: dict) -> DemoLoadResult:
    """The demo shop, committed into ``db_url``; ``demo.now`` is its reference time."""
    with Session(engine) as session, session.begin():
        return load_demo(session, data=demo_data)


@pytest.fixture
def demo_session(demo: DemoLoadResult, engine: Engine) -> Iterator[Session]:
    """A fresh session on the loaded demo shop (nothing of the load in its identity map)."""
    with Session(engine) as session:
        yield session
