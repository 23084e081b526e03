"""A Taobao/Tmall export's 订单编号 (18-19 digits) imports on both databases; Excel's damage to it is reported.

Excel keeps 15 significant digits of a number: an order number it took for one is
shown as 4.02773E+18 or saved as 4027731846512090000, and its last digits are
gone. Such a row is refused with a reason telling the owner how to export the
column as text; the ways seller tools protect long numbers (="…", a leading ' or
a tab) are read as the number inside.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from shop.imports import import_file
from shop.models import Order
from tests.shop.imports.conftest import SAMPLES, import_samples, snapshot

LONG_ORDER, OLDER_ORDER = "4027731846512093318", "402773184651209331"
HEADER = "订单编号,买家会员名,订单状态,商家编码,颜色分类/尺码,购买数量\n"


def _import_taobao_samples(session: Session) -> list:
    return [
        import_file(SAMPLES / name, session=session)
        for name in ("orders_taobao_ids.csv", "tracking_taobao_ids.csv")
    ]


def test_the_taobao_sample_export_imports_with_its_long_order_ids(samples, session: Session) -> None:
    reports = _import_taobao_samples(session)
    assert [r.problems for r in reports] == [[], []]
    order = session.get(Order, LONG_ORDER)
    assert order is not None and order.buyer.account == "qh_anran" and order.status == "shipped"
    assert (order.shipment.courier, order.shipment.tracking_no) == ("中通快递", "78920455613027")
    assert order.shipment.last_event.text == "【南京市】已到达 南京转运中心"
    assert order.buyer.phone_last4 == "8080"
    older = session.get(Order, OLDER_ORDER)
    assert older.status == "delivered" and [(i.product_code, i.qty) for i in older.items] == [("3103", 2)]
    session.commit()
    before = snapshot(session)
    again = _import_taobao_samples(session)
    assert all(not r.changed and not r.problems for r in again)
    assert snapshot(session) == before


def _csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(
        HEADER + "".join(f"{order_id},qh_anran,买家已付款,3101,藏青;M,1\n" for order_id in rows), "utf-8"
    )
    return path


@pytest.mark.parametrize(
    "mangled", ["4.02773E+18", "4.027731846512093E+18", f"{LONG_ORDER}.0", "5021873340001.0"]
)
def test_an_order_number_excel_turned_into_a_number_is_a_bad_row(
    samples, session: Session, tmp_path: Path, mangled: str
) -> None:
    report = import_file(_csv(tmp_path, [mangled, "4027731846512093399"]), session=session)
    (problem,) = report.problems
    assert problem.row == 2 and problem.column == "订单编号"
    assert mangled in problem.zh and "Excel" in problem.zh and "文本" in problem.zh
    assert "text" in problem.en
    # The rest of the file still imports.
    assert session.get(Order, "4027731846512093399") is not None


def test_seller_tools_protection_of_long_numbers_is_stripped(
    samples, session: Session, tmp_path: Path
) -> None:
    ids = ["4027731846512093301", "4027731846512093302", "4027731846512093303"]
    path = tmp_path / "orders.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        writer = csv.writer(out)
        for cell in (f'="{ids[0]}"', f"'{ids[1]}", f"\t{ids[2]}"):
            writer.writerow([cell, "qh_anran", "买家已付款", "3101", "藏青;M", "1"])
    report = import_file(path, session=session)
    assert report.problems == []
    assert all(session.get(Order, order_id) is not None for order_id in ids)


def test_numeric_xlsx_cells(samples, session: Session, tmp_path: Path) -> None:
    """A number cell keeps an order id only up to 15 digits (the demo's 13 are fine)."""
    book = Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(HEADER)):
        sheet.append(row)
    for cell in (
        float(LONG_ORDER),
        int(LONG_ORDER),
        4027731846512090000,
        5021873340011.0,
        "4027731846512093377",
    ):
        sheet.append([cell, "qh_anran", "买家已付款", "3101", "藏青;M", 1])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    report = import_file(path, session=session)
    assert [p.row for p in report.problems] == [2, 3, 4]
    assert all("文本" in p.zh and "15" in p.zh for p in report.problems)
    assert session.get(Order, "5021873340011") is not None
    assert session.get(Order, "4027731846512093377") is not None
    assert session.get(Order, "4027731846512090000") is None


def test_samples_keep_their_13_digit_orders(samples, session: Session) -> None:
    assert session.get(Order, "7300451200011") is not None
    assert [r.problems for r in import_samples(session)] == [[]] * 6
