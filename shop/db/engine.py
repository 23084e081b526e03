"""Engines, sessions and DB-error translation for the shop database.

Engines are made on first use (never at import) and cached per URL. They are
safe to share between the worker threads that ``asyncio.to_thread`` uses: each
unit of work takes its own ``Session`` and returns the connection to the pool.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event, exc, make_url
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from shop.db import settings
from shop.db.errors import ShopUnavailable

P = ParamSpec("P")
R = TypeVar("R")

SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5
# Sized so the action server's 32 worker threads each get a connection without
# waiting; PostgreSQL's default max_connections (100) leaves room for others.
POOL_SIZE = 10
MAX_OVERFLOW = 30
POOL_TIMEOUT_S = 30

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def normalise_url(url: str) -> str:
    """Map bare ``postgres://``/``postgresql://`` URLs to the installed psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: ``shop.db.settings``), created once per URL."""
    url = normalise_url(url or settings.database_url())
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create_engine(url)
        return engine


def dispose_engine(url: str | None = None) -> None:
    """Close the pooled connections of one cached engine and forget it."""
    url = normalise_url(url or settings.database_url())
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def _json_dumps(value: Any) -> str:
    # Keep Chinese readable in the stored JSON (and in psql/sqlite3 sessions).
    return json.dumps(value, ensure_ascii=False)


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    common: dict[str, Any] = {"pool_pre_ping": True, "json_serializer": _json_dumps}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        if parsed.database in (None, "", ":memory:"):
            # One in-memory database exists per connection: share a single one.
            engine = create_engine(url, connect_args=connect_args, poolclass=StaticPool, **common)
        else:
            engine = create_engine(
                url,
                connect_args=connect_args,
                pool_size=POOL_SIZE,
                max_overflow=MAX_OVERFLOW,
                pool_timeout=POOL_TIMEOUT_S,
                **common,
            )
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    if backend == "postgresql":
        return create_engine(
            url,
            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
            pool_size=POOL_SIZE,
            max_overflow=MAX_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
            **common,
        )
    return create_engine(url, **common)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers proceed while one writer writes; the busy timeout makes
        # concurrent writers wait instead of failing; SQLite leaves FKs off unless asked.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def is_unavailable_error(error: BaseException) -> bool:
    """True for errors meaning "the database cannot serve us right now"."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    # OperationalError covers refused/lost connections, locked SQLite files,
    # deadlock and serialization aborts; TimeoutError is an exhausted pool.
    return isinstance(error, exc.OperationalError | exc.InterfaceError | exc.TimeoutError)


@contextmanager
def db_errors_as_shop_errors() -> Iterator[None]:
    """Re-raise connection-level DB errors as :class:`ShopUnavailable`."""
    try:
        yield
    except exc.SQLAlchemyError as error:
        if is_unavailable_error(error):
            raise ShopUnavailable("the shop database is unavailable") from error
        raise


def translate_db_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator: the repository function raises ShopUnavailable, not driver errors."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with db_errors_as_shop_errors():
            return fn(*args, **kwargs)

    return wrapper


def in_transaction(engine: Engine, work: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """`work(session, *args, **kwargs)` in one committed transaction, for the front ends' `db()`.

    Rows stay usable after it (``expire_on_commit=False``): the caller reads them in
    async code once the transaction is over. An outage raises ShopUnavailable.
    """
    with db_errors_as_shop_errors():
        with Session(engine, expire_on_commit=False) as session, session.begin():
            return work(session, *args, **kwargs)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One unit of work: a Session in a transaction, committed on success.

    Objects stay usable after the block (``expire_on_commit=False``), so an
    action can read the rows it fetched once the transaction is over.
    """
    with db_errors_as_shop_errors():
        with Session(make_engine(url), expire_on_commit=False) as session, session.begin():
            yield session


def insert_ignoring_conflict(
    session: Session, model: type[Any], values: dict[str, Any], conflict: Sequence[str]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted.

    Used where concurrent callers may race to create the same row: the loser
    neither fails nor aborts its transaction and simply re-reads the winner's row.
    """
    table = model.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt: Any = pg_insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    elif dialect == "sqlite":
        stmt = sqlite_insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(dialect)
    # RETURNING tells reliably whether this call inserted (rowcount is not
    # dependable for ORM-level execution across drivers).
    stmt = stmt.values(**values).returning(*table.primary_key.columns)
    return session.execute(stmt).first() is not None
