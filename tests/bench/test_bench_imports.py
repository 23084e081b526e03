"""The import benchmark's harness (not its timings): its exports are valid and import as the bench says."""

from __future__ import annotations

import csv
from pathlib import Path

from bench.imports import measure, write_orders


def test_generated_export_imports_cleanly_twice_then_the_newer_one(tmp_path: Path) -> None:
    orders, newer = tmp_path / "orders.csv", tmp_path / "newer.csv"
    write_orders(orders, 40)
    write_orders(newer, 40, delivered=0.5)
    with open(orders, encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == 41  # header + rows
    # measure() asserts: no bad row, every row read, created only first, updated only by the newer export
    timings = measure(f"sqlite:///{tmp_path / 'shop.db'}", orders, newer, 40)
    assert set(timings) == {"first import", "same file again", "newer export"}
