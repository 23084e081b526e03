"""Migration 0012 on a shop with data: shipments get an index by waybill, nothing else changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from shop.db.engine import dispose_engine, make_engine
from shop.db.migrate import alembic_config, current_revision, head_revision, upgrade
from shop.demo import load_demo
from tests.db_fixtures import BACKENDS
from tests.shop.db.earlier_revision import database_at
from tests.shop.imports.conftest import snapshot


@pytest.fixture(params=BACKENDS)
def url_at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database migrated only up to 0011 (before the waybill index)."""
    yield from database_at("0011", request, tmp_path)


def _waybill_indexes(url: str) -> list[list[str]]:
    indexes = inspect(make_engine(url)).get_indexes("shipments")
    return [index["column_names"] for index in indexes if "tracking_no" in index["column_names"]]


def test_upgrade_indexes_waybills_and_keeps_every_row(url_at_0011: str, demo_data: dict) -> None:
    with Session(make_engine(url_at_0011)) as session, session.begin():
        load_demo(session, data=demo_data)
    with Session(make_engine(url_at_0011)) as session:
        before = snapshot(session)
    assert before["shipments"] and _waybill_indexes(url_at_0011) == []
    dispose_engine(url_at_0011)

    upgrade(url_at_0011)

    assert current_revision(url_at_0011) == head_revision()
    assert _waybill_indexes(url_at_0011) == [["tracking_no"]]
    with Session(make_engine(url_at_0011)) as session:
        assert snapshot(session) == before
    dispose_engine(url_at_0011)

    command.downgrade(alembic_config(url_at_0011), "0011")
    assert _waybill_indexes(url_at_0011) == []
