"""Helpers for the import tests: the sample exports and a snapshot of every shop row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from paths import PROJECT_ROOT
from shop.imports import import_file
from shop.models import Base, StockLevel
from shop.store.catalogue import stock_levels

SAMPLES = PROJECT_ROOT / "data" / "samples"
SAMPLE_ORDER = ("products", "size_charts", "stock", "buyers", "orders", "tracking")


def snapshot(session: Session) -> dict[str, list[tuple]]:
    """Every row of every table, to compare databases before and after."""
    session.expire_all()
    out = {}
    for table in Base.metadata.sorted_tables:
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = [tuple(row) for row in rows]
    return out


def import_samples(session: Session, folder: Path = SAMPLES, suffix: str = ".csv") -> list:
    return [import_file(folder / f"{kind}{suffix}", session=session) for kind in SAMPLE_ORDER]


def stock_of(code: str, color: str, size: str, *, session: Session) -> StockLevel | None:
    """The stock row of one colour and size, read the way the assistant reads stock."""
    return next((s for s in stock_levels(code, session=session) if (s.color, s.size) == (color, size)), None)


@pytest.fixture
def samples(session: Session) -> list:
    reports = import_samples(session)
    assert [r.problems for r in reports] == [[]] * len(reports)
    return reports
