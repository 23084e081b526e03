"""The import benchmark's harness (not its timings): its export is valid and imports twice."""

from __future__ import annotations

import csv
from pathlib import Path

from bench.imports import measure, write_orders


def test_generated_export_imports_cleanly_twice(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    write_orders(orders, 40)
    with open(orders, encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == 41  # header + rows
    timings = measure(f"sqlite:///{tmp_path / 'shop.db'}", orders, 40)  # asserts no bad row, every row read
    assert set(timings) == {"first import", "same file again"}
