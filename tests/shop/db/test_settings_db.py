"""shop.db.settings and shop.db.engine: configuration, engine settings, time and money types."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from shop.db.engine import MAX_OVERFLOW, POOL_SIZE, make_engine, normalise_url
from shop.db.settings import DEFAULT_SQLITE_PATH, PROJECT_ROOT, load_settings
from shop.models import Buyer, Product

ROOT = Path(__file__).resolve().parents[3]


def test_default_url_is_var_shop_db() -> None:
    settings = load_settings({})
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'shop.db'}"
    assert DEFAULT_SQLITE_PATH.parent.is_dir()  # created on demand


def test_database_url_from_environment() -> None:
    assert load_settings({"DATABASE_URL": "postgresql://u@h/db"}).database_url == "postgresql://u@h/db"
    assert load_settings({"DATABASE_URL": "  "}).database_url.startswith("sqlite:///")


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_only_settings_reads_the_environment() -> None:
    offenders = []
    for path in (ROOT / "shop").rglob("*.py"):
        if path.name == "settings.py" and path.parent.name == "db":
            continue
        if re.search(r"os\.environ|getenv\(", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_importing_does_no_io(tmp_path: Path) -> None:
    code = (
        "import shop.models, shop.db.engine, shop.store.catalogue, shop.store.orders, shop.store.promotions, shop.store.returns, "
        "shop.store.linking, desk.store, shop.demo, shop.db.migrate, shop.db.settings\n"
        "assert shop.db.engine._engines == {}\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'x.db'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "missing").exists()


def test_engine_is_cached_per_url(db_url: str) -> None:
    assert make_engine(db_url) is make_engine(db_url)


def test_sqlite_pragmas(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_pool_serves_32_worker_threads(engine: Engine) -> None:
    assert engine.pool.size() + MAX_OVERFLOW >= 32 and POOL_SIZE >= 5
    # Sessions made in one thread and used in another (asyncio.to_thread) work.
    results = []

    def work() -> None:
        with Session(engine) as session:
            results.append(session.execute(text("SELECT 1")).scalar())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [1] * 8


def test_times_are_aware_utc(session: Session) -> None:
    beijing = timezone(timedelta(hours=8))
    moment = datetime(2025, 3, 1, 20, 30, 15, 123456, tzinfo=beijing)
    session.add(Buyer(account="tz", name="x", phone_last4="0000", first_order_at=moment))
    session.commit()
    session.expire_all()
    stored = session.query(Buyer).filter_by(account="tz").one().first_order_at
    assert stored == moment and stored.tzinfo == UTC and stored.hour == 12


def test_naive_datetimes_are_refused(session: Session) -> None:
    session.add(Buyer(account="naive", name="x", phone_last4="0000", first_order_at=datetime(2025, 1, 1)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_money_is_decimal_with_two_places(session: Session) -> None:
    session.add(Product(code="m1", name="x", category="x", price=Decimal("0.1") + Decimal("0.2")))
    session.add(Product(code="m2", name="x", category="x", price=12345678.9))
    session.commit()
    session.expire_all()
    assert session.get(Product, "m1").price == Decimal("0.30")
    assert str(session.get(Product, "m2").price) == "12345678.90"
