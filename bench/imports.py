"""Import speed: ``python -m bench.imports [--rows 100000] [--catalogue] [--no-pg]`` (not part of ``make bench``).

Writes an order export of ROWS lines (one per order line; a third of the orders
have two lines; most are shipped) for the sample shop's catalogue, imports it
into a fresh SQLite file and a throw-away PostgreSQL, then imports it again
(nothing changes: the idempotent path reads everything and writes nothing),
then a newer export of the same orders in which a tenth of the shipped ones
were signed for (the daily case). Prints rows per second and writes
bench/results/imports.md with the machine's load average.

``--catalogue [--products 5000]``: the catalogue case instead. Products, size
charts (5 sizes each) and stock (4 colours x 5 sizes each: 100 000 rows for
5 000 products), imported, imported again, then a newer export (a tenth of the
stock rows changed, 1 % more products with their charts and stock); writes
bench/results/imports_catalogue.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from paths import PROJECT_ROOT
from shop.db.devpg import start_postgres, stop_postgres
from shop.db.engine import dispose_engine, make_engine
from shop.db.migrate import upgrade
from shop.imports import import_file

SAMPLES = PROJECT_ROOT / "data" / "samples"
RESULTS = Path(__file__).with_name("results") / "imports.md"
CATALOGUE_RESULTS = RESULTS.with_name("imports_catalogue.md")
HEADERS = ["订单编号", "买家会员名", "订单状态", "付款时间", "发货时间", "签收时间", "物流公司", "运单号", "商家编码", "颜色分类/尺码", "购买数量", "价格", "收货人手机"]  # fmt: skip
DELIVERED_SHARE = 0.1  # of the shipped orders, signed for in the newer export
SKUS = [("3101", "燕麦色", "M", "899.00"), ("3101", "藏青", "L", "899.00"), ("3102", "浅蓝", "27", "229.00"),
        ("3103", "白色", "M", "59.00"), ("3103", "黑色", "L", "59.00")]  # fmt: skip


def write_orders(path: Path, rows: int, seed: int = 21, *, delivered: float = 0.0) -> None:
    """An export of ``rows`` lines; ``delivered``: the share of shipped orders signed for."""
    rng = random.Random(seed)
    later = random.Random(seed + 1)  # its own stream: the same orders with or without sign-offs
    start = datetime(2026, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        written, number = 0, 0
        while written < rows:
            number += 1
            order_id = f"{9000000000000 + number}"
            account = f"bench_{rng.randrange(max(1, rows // 5))}"
            paid = start + timedelta(minutes=number)
            shipped = rng.random() < 0.8
            signed = shipped and later.random() < delivered
            status = "交易成功" if signed else ("卖家已发货" if shipped else "买家已付款")
            lines = 2 if rng.random() < 1 / 3 else 1
            for _ in range(min(lines, rows - written)):
                code, colour, size, price = rng.choice(SKUS)
                out.writerow([
                    order_id, account, status, f"{paid:%Y-%m-%d %H:%M:%S}",
                    f"{paid + timedelta(hours=20):%Y-%m-%d %H:%M:%S}" if shipped else "",
                    f"{paid + timedelta(days=3):%Y-%m-%d %H:%M:%S}" if signed else "",
                    "圆通速递" if shipped else "", f"YT{order_id}" if shipped else "",
                    code, f"颜色分类:{colour};尺码:{size}", 1, price, f"139****{rng.randrange(10000):04d}",
                ])  # fmt: skip
                written += 1


CATALOGUE_KINDS = ("products", "size_charts", "stock")
COLOURS = ("黑色", "白色", "燕麦色", "藏青")
SIZES = ("S", "M", "L", "XL", "XXL")
CATEGORIES = ("连衣裙", "大衣", "牛仔裤", "毛衣", "衬衫")
CHANGED_STOCK_SHARE = 0.1  # of the stock rows, another quantity in the newer export
NEW_PRODUCTS_SHARE = 0.01  # more products in the newer export


def write_catalogue(folder: Path, products: int, seed: int = 21, *, newer: bool = False) -> dict[str, int]:
    """products.csv, size_charts.csv, stock.csv in ``folder``; {kind: rows}.

    ``newer``: the same catalogue a day later: 1 % more products, a tenth of the stock
    rows with another quantity (some sold out with a restock date).
    """
    rng, later = random.Random(seed), random.Random(seed + 1)
    count = products + (max(1, int(products * NEW_PRODUCTS_SHARE)) if newer else 0)
    rows = {kind: 0 for kind in CATALOGUE_KINDS}
    files = {kind: open(folder / f"{kind}.csv", "w", encoding="utf-8", newline="") for kind in rows}  # noqa: SIM115
    out = {kind: csv.writer(handle) for kind, handle in files.items()}
    out["products"].writerow(["商家编码", "宝贝标题", "宝贝ID", "价格", "类目", "颜色", "尺码", "材质", "洗涤说明", "包邮", "七天无理由"])  # fmt: skip
    out["size_charts"].writerow(["商家编码", "尺码", "号型", "身高(cm)", "体重(kg)", "胸围(cm)", "腰围(cm)"])
    out["stock"].writerow(["商家编码", "颜色", "尺码", "库存", "预计到货日期"])
    restock = date(2027, 1, 15)
    for n in range(count):
        code = f"B{n:05d}"
        out["products"].writerow([
            code, f"测试款 {n} 号", f"{900000000000 + n}", f"{99 + n % 400}.00", CATEGORIES[n % len(CATEGORIES)],
            ",".join(COLOURS), ",".join(SIZES), "棉95% 氨纶5%", "冷水手洗，不可漂白",
            "是" if n % 3 else "否", "是",
        ])  # fmt: skip
        for i, size in enumerate(SIZES):
            height, weight = 150 + 5 * i, 42 + 5 * i
            out["size_charts"].writerow([code, size, f"{155 + 5 * i}/{80 + 4 * i}A", f"{height}-{height + 6}",
                                         f"{weight}-{weight + 5}", f"{80 + 4 * i}-{85 + 4 * i}", ""])  # fmt: skip
        for colour in COLOURS:
            for size in SIZES:
                quantity = rng.randrange(30)
                changed = newer and later.random() < CHANGED_STOCK_SHARE
                if changed:
                    quantity = (quantity + 1 + later.randrange(20)) % 30
                out["stock"].writerow([code, colour, size, quantity, restock if quantity == 0 else ""])
        rows["products"] += 1
        rows["size_charts"] += len(SIZES)
        rows["stock"] += len(COLOURS) * len(SIZES)
    for handle in files.values():
        handle.close()
    return rows


def measure_catalogue(url: str, first: Path, newer: Path) -> dict[str, dict[str, float]]:
    """{phase: {kind: seconds}} for the catalogue, the same files again, the newer export."""
    upgrade(url)
    engine = make_engine(url)
    timings: dict[str, dict[str, float]] = {}
    for label, folder in (("first import", first), ("same files again", first), ("newer export", newer)):
        timings[label] = {}
        for kind in CATALOGUE_KINDS:
            with Session(engine) as session:
                began = time.perf_counter()
                report = import_file(folder / f"{kind}.csv", session=session)
                timings[label][kind] = time.perf_counter() - began
            assert not report.problems, report.problems[:3]
            assert report.applied
            if label == "same files again":
                assert report.created == report.updated == 0, report.summary()
            else:
                assert report.created > 0, report.summary()
            if label == "newer export" and kind == "stock":
                assert report.updated > 0, report.summary()
            print(f"{label}: {report.summary()} in {timings[label][kind]:.1f} s", file=sys.stderr)
    dispose_engine(url)
    return timings


def catalogue_main(products: int, no_pg: bool) -> int:
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as work:
        first, newer = Path(work) / "first", Path(work) / "newer"
        first.mkdir()
        newer.mkdir()
        rows = write_catalogue(first, products)
        newer_rows = write_catalogue(newer, products, newer=True)
        load_before = _load()
        results["SQLite"] = measure_catalogue(f"sqlite:///{Path(work) / 'shop.db'}", first, newer)
        if not no_pg:
            server = start_postgres()
            try:
                with server.admin() as conn:
                    conn.execute("CREATE DATABASE bench_catalogue")
                results["PostgreSQL"] = measure_catalogue(server.url("bench_catalogue"), first, newer)
            finally:
                stop_postgres(server)
    lines = [
        "# Catalogue import speed (`python -m bench.imports --catalogue`)",
        "",
        f"{products} products; rows per file: "
        + ", ".join(f"{kind} {n}" for kind, n in rows.items())
        + f"; {time.strftime('%Y-%m-%d %H:%M')}, this machine;",
        f"load average (1/5/15 min) {load_before} at the start, {_load()} at the end.",
        f"The newer export: {NEW_PRODUCTS_SHARE:.0%} more products (with their charts and stock), "
        f"{CHANGED_STOCK_SHARE:.0%} of the stock rows changed.",
        "",
        "Seconds (rows/s):",
        "",
        "| database | import | " + " | ".join(CATALOGUE_KINDS) + " | all three |",
        "|---|---|" + "---|" * (len(CATALOGUE_KINDS) + 1),
    ]
    for name, phases in results.items():
        for label, seconds in phases.items():
            counts = newer_rows if label == "newer export" else rows
            cells = [f"{seconds[k]:.1f} s ({counts[k] / seconds[k]:,.0f})" for k in CATALOGUE_KINDS]
            total = sum(seconds.values())
            cells.append(f"{total:.1f} s ({sum(counts.values()) / total:,.0f})")
            lines.append(f"| {name} | {label} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    CATALOGUE_RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


def measure(url: str, orders: Path, newer: Path, rows: int) -> dict[str, float]:
    """Seconds per import: the export, the same file again, the newer export."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        for kind in ("products", "size_charts", "stock"):
            import_file(SAMPLES / f"{kind}.csv", session=session)
    timings = {}
    for label, path in (("first import", orders), ("same file again", orders), ("newer export", newer)):
        with Session(engine) as session:
            began = time.perf_counter()
            report = import_file(path, session=session)
            timings[label] = time.perf_counter() - began
        assert not report.problems, report.problems[:3]
        assert report.rows == rows
        assert (report.created > 0) == (label == "first import")
        assert (report.updated > 0) == (label == "newer export" and rows > 0), report.summary()
        print(f"{label}: {report.summary()}", file=sys.stderr)
    dispose_engine(url)
    return timings


def _load() -> str:
    return " / ".join(f"{n:.1f}" for n in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--catalogue", action="store_true", help="products, size charts and stock instead")
    parser.add_argument("--products", type=int, default=5_000, help="products in the catalogue case")
    args = parser.parse_args(argv)
    if args.catalogue:
        return catalogue_main(args.products, args.no_pg)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as work:
        orders, newer = Path(work) / "orders.csv", Path(work) / "newer.csv"
        write_orders(orders, args.rows)
        write_orders(newer, args.rows, delivered=DELIVERED_SHARE)
        load_before = _load()
        results["SQLite"] = measure(f"sqlite:///{Path(work) / 'shop.db'}", orders, newer, args.rows)
        print(f"SQLite: {results['SQLite']}", file=sys.stderr)
        if not args.no_pg:
            server = start_postgres()
            try:
                with server.admin() as conn:
                    conn.execute("CREATE DATABASE bench_imports")
                results["PostgreSQL"] = measure(server.url("bench_imports"), orders, newer, args.rows)
            finally:
                stop_postgres(server)
    lines = [
        "# Import speed (`python -m bench.imports`)",
        "",
        f"{args.rows} order rows (one per order line), {time.strftime('%Y-%m-%d %H:%M')}, this machine;",
        f"load average (1/5/15 min) {load_before} at the start, {_load()} at the end.",
        f"The newer export: the same orders, {DELIVERED_SHARE:.0%} of the shipped ones signed for.",
        "",
        "| database | first import | rows/s | same file again | rows/s | newer export | rows/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, t in results.items():
        cells = [f"{t[label]:.1f} s | {args.rows / t[label]:,.0f}" for label in t]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
