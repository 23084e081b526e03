"""Alembic environment of the shop database.

The URL comes from ``shop.db.settings`` unless the caller hands over a connection
(``config.attributes["connection"]``) or a URL (``config.attributes["url"]``),
as ``shop.db.migrate`` and the tests do.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from shop.db.engine import make_engine
from shop.db.migrate import check_foreign_keys, sqlite_foreign_keys_off
from shop.db.settings import database_url
from shop.models import Base

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    # Keep loggers configured by the host process (pytest, the app) alive.
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite can only ALTER through table copies; batch mode does that.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_offline() -> None:
    context.configure(
        url=config.attributes.get("url") or database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # the caller turned SQLite's foreign keys off (shop.db.migrate.upgrade)
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
            check_foreign_keys(connection)
        return
    engine = make_engine(config.attributes.get("url") or database_url())
    with engine.connect() as connection, sqlite_foreign_keys_off(connection):
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
            check_foreign_keys(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
