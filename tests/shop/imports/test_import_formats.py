"""The same export as GBK, UTF-8 with BOM or XLSX imports exactly like the UTF-8 CSV; unreadable files are said so."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from shop.imports import import_file
from shop.imports.cells import BadCell, materials, phone_tail, sku
from tests.shop.imports.conftest import SAMPLE_ORDER, SAMPLES, import_samples, snapshot


def _write_xlsx(source: Path, target: Path) -> None:
    book = Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(source.read_text(encoding="utf-8"))):
        # Excel keeps numbers as numbers: the importer must cope with 899.0 and 4.
        sheet.append([float(c) if c.replace(".", "", 1).isdigit() and len(c) < 12 else c for c in row])
    book.save(target)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_gbk_and_bom_csv_import_like_utf8(
    encoding: str, session: Session, tmp_path: Path, sqlite_url: str
) -> None:
    for kind in SAMPLE_ORDER:
        text = (SAMPLES / f"{kind}.csv").read_text(encoding="utf-8")
        (tmp_path / f"{kind}.csv").write_bytes(text.encode(encoding))
    reports = import_samples(session, tmp_path)
    assert [r.problems for r in reports] == [[]] * len(reports)
    imported = snapshot(session)
    # The very same files in UTF-8 change nothing more.
    assert all(not r.changed for r in import_samples(session))
    assert snapshot(session) == imported


def test_xlsx_imports_like_csv(session: Session, tmp_path: Path) -> None:
    for kind in SAMPLE_ORDER:
        _write_xlsx(SAMPLES / f"{kind}.csv", tmp_path / f"{kind}.xlsx")
    reports = import_samples(session, tmp_path, suffix=".xlsx")
    assert [r.problems for r in reports] == [[]] * len(reports)
    assert sum(r.created for r in reports) > 0
    imported = snapshot(session)
    assert all(not r.changed for r in import_samples(session))
    assert snapshot(session) == imported


def test_unreadable_and_unknown_files_are_explained(session: Session, tmp_path: Path) -> None:
    binary = tmp_path / "orders.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81\x00" * 10)
    report = import_file(binary, session=session)
    assert not report.applied and "文件读不了" in report.problems[0].zh
    unknown = tmp_path / "other.csv"
    unknown.write_text("日期,金额\n2026-12-01,10\n", encoding="utf-8")
    report = import_file(unknown, session=session)
    assert "认不出" in report.problems[0].zh and "cannot tell" in report.problems[0].en


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("颜色分类:红色;尺码:L", ("红色", "L")),
        ("颜色分类：燕麦色；尺码：XL", ("燕麦色", "XL")),
        ("尺码:M;颜色分类:黑色", ("黑色", "M")),
        ("红色;L", ("红色", "L")),
        ("红色/27", ("红色", "27")),
    ],
)
def test_sku_cells(cell: str, expected: tuple[str, str]) -> None:
    assert sku(cell) == expected


@pytest.mark.parametrize("cell", ["红色", "颜色分类:红色", ""])
def test_sku_without_size_is_refused(cell: str) -> None:
    with pytest.raises(BadCell):
        sku(cell)


def test_materials_and_phone_tails() -> None:
    assert materials("羊毛80% 锦纶20%") == {"wool": 80, "polyamide": 20}
    assert materials("棉：95%，氨纶：5%") == {"cotton": 95, "spandex": 5}
    assert materials("莫代尔92.5% 氨纶7.5%") == {"莫代尔": 92.5, "spandex": 7.5}
    with pytest.raises(BadCell):
        materials("羊毛为主")
    assert phone_tail("139****2468") == "2468"
    assert phone_tail("+86 139-1234-5678") == "5678"
    assert phone_tail("") == ""
