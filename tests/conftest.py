"""Shared pytest fixtures. Database fixtures live in tests/db_fixtures.py."""

from tests.db_fixtures import (  # noqa: F401 - fixtures are found by name
    db_url,
    demo,
    demo_data,
    demo_session,
    engine,
    pg_database,
    pg_server,
    pg_url,
    session,
    sqlite_template,
    sqlite_url,
)
