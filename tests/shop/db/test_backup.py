"""Back up, wipe, restore: the shop database and the answers drawn from it are the same again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from paths import PROJECT_ROOT
from shop.db.engine import make_engine
from shop.store.orders import orders_for_buyer
from tests.db_fixtures import empty_all_tables
from tests.shop.imports.conftest import import_samples, snapshot, stock_of


def _answers(session: Session) -> tuple:
    """What replies are made of: a buyer's orders with their parcels, a stock level."""
    orders = [
        (o.id, o.status, o.shipment.last_event.text if o.shipment and o.shipment.events else None)
        for o in orders_for_buyer("qh_xiaomei", session=session)
    ]
    level = stock_of("3101", "燕麦色", "M", session=session)
    return orders, (level.quantity, level.restock_on)


def _backup(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shop.db.backup", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_backup_wipe_restore_gives_the_same_shop(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    with Session(engine) as session:
        import_samples(session)
        before, answers = snapshot(session), _answers(session)
    saved = _backup(db_url, "save", str(tmp_path / "shop.backup"))
    assert saved.returncode == 0, saved.stderr
    empty_all_tables(db_url)
    with Session(engine) as session:
        assert snapshot(session) != before
    restored = _backup(db_url, "restore", str(tmp_path / "shop.backup"))
    assert restored.returncode == 0, restored.stderr
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert snapshot(session) == before
        assert _answers(session) == answers


def test_restore_of_a_missing_file_says_so(db_url: str, tmp_path: Path) -> None:
    result = _backup(db_url, "restore", str(tmp_path / "nothing.backup"))
    assert (
        result.returncode == 1 and "no such backup file" in result.stderr and "Traceback" not in result.stderr
    )
