"""The import benchmark's harness (not its timings): its exports are valid and import as the bench says."""

from __future__ import annotations

import csv
from pathlib import Path

from bench.imports import measure, measure_catalogue, write_catalogue, write_orders


def test_generated_export_imports_cleanly_twice_then_the_newer_one(tmp_path: Path) -> None:
    orders, newer = tmp_path / "orders.csv", tmp_path / "newer.csv"
    write_orders(orders, 40)
    write_orders(newer, 40, delivered=0.5)
    with open(orders, encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == 41  # header + rows
    # measure() asserts: no bad row, every row read, created only first, updated only by the newer export
    timings = measure(f"sqlite:///{tmp_path / 'shop.db'}", orders, newer, 40)
    assert set(timings) == {"first import", "same file again", "newer export"}


def test_generated_catalogue_imports_cleanly_twice_then_the_newer_one(tmp_path: Path) -> None:
    first, newer = tmp_path / "first", tmp_path / "newer"
    first.mkdir()
    newer.mkdir()
    assert write_catalogue(first, 30) == {"products": 30, "size_charts": 150, "stock": 600}
    assert write_catalogue(newer, 30, newer=True) == {"products": 31, "size_charts": 155, "stock": 620}
    # measure_catalogue() asserts: no bad row, nothing changed by the same files, something new in the newer
    timings = measure_catalogue(f"sqlite:///{tmp_path / 'shop.db'}", first, newer)
    assert set(timings) == {"first import", "same files again", "newer export"}
    assert all(set(kinds) == {"products", "size_charts", "stock"} for kinds in timings.values())
