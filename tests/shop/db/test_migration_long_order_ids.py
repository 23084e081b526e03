"""Migration 0011 on a shop with data: order ids widen to 24 digits, nothing is lost, on both backends.

On SQLite the widening rebuilds ``orders`` (batch mode); with foreign keys on,
that would have cascade-deleted every order's items and parcels.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from shop.db.engine import dispose_engine, make_engine
from shop.db.migrate import current_revision, head_revision, upgrade
from shop.demo import load_demo
from shop.models import FollowUpTask, Order, OrderItem, ReturnRequest, Shipment, TrackingEvent
from tests.db_fixtures import BACKENDS
from tests.shop.db.earlier_revision import database_at

TAOBAO_ID = "4027731846512093318"
COUNTED = (Order, OrderItem, Shipment, TrackingEvent, ReturnRequest, FollowUpTask)


@pytest.fixture(params=BACKENDS)
def url_at_0010(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database migrated only up to 0010 (before long order ids)."""
    yield from database_at("0010", request, tmp_path)


def _counts(session: Session) -> dict[str, int]:
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def test_upgrade_keeps_every_order_and_takes_taobao_ids(url_at_0010: str, demo_data: dict) -> None:
    engine = make_engine(url_at_0010)
    with Session(engine) as session, session.begin():
        load_demo(session, data=demo_data)
        session.add(FollowUpTask(order_id="5021873340001", reason="tracking_stale"))
    with Session(engine) as session:
        before = _counts(session)
    assert all(before[name] for name in ("Order", "OrderItem", "Shipment", "TrackingEvent", "FollowUpTask"))

    dispose_engine(url_at_0010)
    upgrade(url_at_0010)

    assert current_revision(url_at_0010) == head_revision()
    engine = make_engine(url_at_0010)
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("orders")}
    assert columns["id"].length == 24
    with Session(engine) as session, session.begin():
        assert _counts(session) == before
        order = session.get(Order, "5021873340003")
        assert order is not None and order.items and order.shipment is not None
        # A real shop's 19-digit order, its line and its parcel now fit (PostgreSQL refused them before).
        session.add(Order(id=TAOBAO_ID, buyer_id=order.buyer_id, status="paid"))
        session.flush()
        session.add(
            OrderItem(
                order_id=TAOBAO_ID, product_code=order.items[0].product_code, color="红色", size="M", price=1
            )
        )
    with Session(engine) as session:
        assert session.get(Order, TAOBAO_ID).items[0].order_id == TAOBAO_ID
        if engine.dialect.name == "sqlite":
            assert (
                session.execute(select(func.count()).select_from(OrderItem)).scalar()
                == before["OrderItem"] + 1
            )
            assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
