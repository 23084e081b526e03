"""Bring the shop database schema up to date: ``python -m shop.db.migrate``.

Wraps Alembic (``alembic.ini`` at the project root, scripts in
``shop/migrations/``) so callers need neither the ini file nor the CLI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, make_url

from shop.db.engine import db_errors_as_shop_errors, make_engine, normalise_url
from shop.db.errors import ShopUnavailable
from shop.db.settings import MIGRATIONS_DIR, database_url


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for ``url`` (default: ``shop.db.settings``), without the ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not "sqlalchemy.url": ini interpolation would
    # mangle a password containing "%".
    config.attributes["url"] = normalise_url(url or database_url())
    return config


@contextmanager
def sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """On SQLite, foreign keys off while migrations run on ``connection`` (wrap their transaction).

    Batch mode rebuilds a table by copy, drop and rename; with foreign keys on,
    SQLite's DROP TABLE first deletes the rows, which cascades to the rows that
    refer to them (0011 rebuilds ``orders``: every item and parcel would go).
    The pragma is ignored inside a transaction, hence outside it; the migrations
    check the keys themselves before they commit (``check_foreign_keys``).
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def check_foreign_keys(connection: Connection) -> None:
    """On SQLite, raise (so the migration rolls back) if a row refers to a missing one."""
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"migration left rows referring to missing ones: {broken[:5]}")


def head_revision() -> str:
    """The newest revision id among the migration scripts."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with db_errors_as_shop_errors(), make_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str | None = None, revision: str = "head", *, engine: Engine | None = None) -> None:
    """Apply every pending migration up to ``revision`` (on ``engine`` if given, else ``url``)."""
    with db_errors_as_shop_errors():
        if engine is None:
            command.upgrade(alembic_config(url), revision)
            return
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.connect() as connection, sqlite_foreign_keys_off(connection):
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop.db.migrate", description=__doc__)
    parser.add_argument("--database-url", help="default: DATABASE_URL or var/shop.db")
    args = parser.parse_args(argv)
    url = args.database_url or database_url()
    shown = make_url(normalise_url(url)).render_as_string(hide_password=True)
    try:
        before = current_revision(url)
        upgrade(url)
        after = current_revision(url)
    except ShopUnavailable as error:
        print(f"Cannot migrate {shown}: {error.__cause__ or error}", file=sys.stderr)
        return 1
    if before == after:
        print(f"Shop database {shown} is up to date (revision {after}).")
    else:
        print(f"Shop database {shown} migrated from {before or 'empty'} to revision {after}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
