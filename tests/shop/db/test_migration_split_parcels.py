"""Migration 0013 on a shop with data: an order may get several parcels, nothing is lost, on both backends.

On SQLite dropping the unique constraint rebuilds ``shipments`` (batch mode); the
scans keep pointing at their parcels.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shop.db.engine import dispose_engine, make_engine
from shop.db.migrate import alembic_config, current_revision, head_revision, upgrade
from shop.demo import load_demo
from shop.models import Order, Shipment
from tests.db_fixtures import BACKENDS
from tests.shop.db.earlier_revision import database_at
from tests.shop.imports.conftest import snapshot

SHIPPED_ORDER = "5021873340003"


@pytest.fixture(params=BACKENDS)
def url_at_0012(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database migrated only up to 0012 (one parcel per order)."""
    yield from database_at("0012", request, tmp_path)


def _second_parcel(order_id: str) -> Shipment:
    return Shipment(
        order_id=order_id, courier="韵达快递", tracking_no="YD7700000000001", shipped_at=datetime.now(UTC)
    )


def _order_id_unique(url: str) -> bool:
    inspector = inspect(make_engine(url))
    uniques = [c["column_names"] for c in inspector.get_unique_constraints("shipments")]
    indexes = [i["column_names"] for i in inspector.get_indexes("shipments") if i.get("unique")]
    return ["order_id"] in uniques + indexes


def test_upgrade_allows_a_second_parcel_and_keeps_every_row(url_at_0012: str, demo_data: dict) -> None:
    with Session(make_engine(url_at_0012)) as session, session.begin():
        load_demo(session, data=demo_data)
    with Session(make_engine(url_at_0012)) as session:
        before = snapshot(session)
    assert before["shipments"] and before["tracking_events"]
    with pytest.raises(IntegrityError), Session(make_engine(url_at_0012)) as session, session.begin():
        session.add(_second_parcel(SHIPPED_ORDER))
    dispose_engine(url_at_0012)

    upgrade(url_at_0012)

    assert current_revision(url_at_0012) == head_revision()
    assert not _order_id_unique(url_at_0012)
    indexed = [i["column_names"] for i in inspect(make_engine(url_at_0012)).get_indexes("shipments")]
    assert ["order_id"] in indexed
    engine = make_engine(url_at_0012)
    with Session(engine) as session:
        assert snapshot(session) == before
    with Session(engine) as session, session.begin():
        session.add(_second_parcel(SHIPPED_ORDER))
    with Session(engine) as session:
        order = session.get(Order, SHIPPED_ORDER)
        assert [s.tracking_no for s in order.shipments][-1] == "YD7700000000001"
        assert order.shipments[0].events, "the first parcel keeps its scans"
        if engine.dialect.name == "sqlite":
            assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    dispose_engine(url_at_0012)


def test_downgrade_refuses_while_an_order_has_two_parcels(url_at_0012: str, demo_data: dict) -> None:
    upgrade(url_at_0012)
    engine = make_engine(url_at_0012)
    with Session(engine) as session, session.begin():
        load_demo(session, data=demo_data)
        session.add(_second_parcel(SHIPPED_ORDER))
    with Session(engine) as session:
        before = snapshot(session)
    dispose_engine(url_at_0012)

    with pytest.raises(RuntimeError, match=SHIPPED_ORDER):
        command.downgrade(alembic_config(url_at_0012), "0012")
    assert current_revision(url_at_0012) == head_revision()
    with Session(make_engine(url_at_0012)) as session:
        assert snapshot(session) == before
    with Session(make_engine(url_at_0012)) as session, session.begin():
        session.delete(session.get(Order, SHIPPED_ORDER).shipments[-1])
    dispose_engine(url_at_0012)

    command.downgrade(alembic_config(url_at_0012), "0012")
    assert current_revision(url_at_0012) == "0012" and _order_id_unique(url_at_0012)
