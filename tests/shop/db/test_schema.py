"""The models and the Alembic migrations describe the same schema, on both backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from shop.db.migrate import alembic_config, current_revision, head_revision
from shop.models import Base

ROOT = Path(__file__).resolve().parents[3]


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_database_is_at_head(db_url: str, engine: Engine) -> None:
    assert current_revision(db_url) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_one_initial_revision() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    revisions = list(scripts.walk_revisions())
    assert [r.revision for r in revisions][-1] == "0001"
    assert revisions[-1].down_revision is None


def test_alembic_ini_points_at_shop_migrations() -> None:
    text = (ROOT / "alembic.ini").read_text(encoding="utf-8")
    assert "script_location = %(here)s/shop/migrations" in text
    assert "sqlalchemy.url" not in text.split("[loggers]")[0].replace("# ", "")


def test_migrate_command_upgrades_to_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    first = subprocess.run(
        [sys.executable, "-m", "shop.db.migrate"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    assert f"migrated from empty to revision {head_revision()}" in first.stdout
    again = subprocess.run(
        [sys.executable, "-m", "shop.db.migrate"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    assert current_revision(url) == head_revision()
