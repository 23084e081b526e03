"""The cron command: every new export in a folder once; the documented command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from paths import PROJECT_ROOT
from shop.imports import import_folder
from shop.models import Order
from shop.models.imports import ImportedFile
from tests.shop.imports.conftest import SAMPLE_ORDER, SAMPLES


def _drop(folder: Path, name: str, source: Path, age_seconds: float) -> Path:
    target = folder / name
    shutil.copyfile(source, target)
    then = time.time() - age_seconds
    os.utime(target, (then, then))
    return target


def test_folder_imports_each_export_once_oldest_first(engine: Engine, tmp_path: Path) -> None:
    for age, kind in enumerate(reversed(SAMPLE_ORDER), start=100):  # products is the oldest file
        _drop(tmp_path, f"{kind}-20261205.csv", SAMPLES / f"{kind}.csv", age)
    reports = import_folder(tmp_path, engine=engine)
    assert [r.kind for r in reports] == list(SAMPLE_ORDER)
    assert all(r.applied and not r.problems for r in reports)
    # Next run: nothing new, even under another name; a file still being written waits.
    _drop(tmp_path, "orders-copy.csv", SAMPLES / "orders.csv", 50)
    newer = (SAMPLES / "orders.csv").read_text(encoding="utf-8").replace("买家已付款", "卖家已发货")
    (tmp_path / "orders-20261206.csv").write_text(newer, encoding="utf-8")
    assert import_folder(tmp_path, engine=engine) == []
    then = time.time() - 20
    os.utime(tmp_path / "orders-20261206.csv", (then, then))
    [report] = import_folder(tmp_path, engine=engine)
    assert report.updated == 1
    with Session(engine) as session:
        assert session.get(Order, "7300451200022").status == "shipped"
        assert session.query(ImportedFile).count() == len(SAMPLE_ORDER) + 1


def test_dry_run_folder_remembers_nothing(engine: Engine, tmp_path: Path) -> None:
    _drop(tmp_path, "products.csv", SAMPLES / "products.csv", 100)
    assert [r.created for r in import_folder(tmp_path, engine=engine, dry_run=True)] == [3]
    assert [r.created for r in import_folder(tmp_path, engine=engine)] == [3]


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shop.imports", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_one_command_imports_the_samples_in_dependency_order(db_url: str, tmp_path: Path) -> None:
    # Given in the "wrong" order: the catalogue still goes first.
    files = [str(SAMPLES / f"{kind}.csv") for kind in reversed(SAMPLE_ORDER)]
    first = _cli(db_url, *files)
    assert first.returncode == 0, first.stderr
    assert "orders.csv: imported orders: 4 rows; 3 new" in first.stdout
    assert "make lexicon" in first.stdout
    again = _cli(db_url, *files)
    assert again.returncode == 0 and "make lexicon" not in again.stdout
    assert again.stdout.count(" 0 new, 0 updated") == len(SAMPLE_ORDER)


def test_bad_row_exit_status_and_message(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "stock.csv"
    bad.write_text("商家编码,颜色,尺码,库存\n3101,藏青,M,很多\n", encoding="utf-8")
    result = _cli(db_url, "stock", str(bad), "--strict")
    assert result.returncode == 1
    assert (
        "第2行「库存」: 「库存」应为数字" in result.stderr
        and "nothing of this file was imported" in result.stderr
    )
    assert "Traceback" not in result.stderr
