"""Import speed: ``python -m bench.imports [--rows 100000] [--no-pg]`` (not part of ``make bench``).

Writes an order export of ROWS lines (one per order line; a third of the orders
have two lines; most are shipped) for the sample shop's catalogue, imports it
into a fresh SQLite file and a throw-away PostgreSQL, then imports it again
(nothing changes: the idempotent path reads everything and writes nothing),
then a newer export of the same orders in which a tenth of the shipped ones
were signed for (the daily case). Prints rows per second and writes
bench/results/imports.md with the machine's load average.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from paths import PROJECT_ROOT
from shop.db.devpg import start_postgres, stop_postgres
from shop.db.engine import dispose_engine, make_engine
from shop.db.migrate import upgrade
from shop.imports import import_file

SAMPLES = PROJECT_ROOT / "data" / "samples"
RESULTS = Path(__file__).with_name("results") / "imports.md"
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
    args = parser.parse_args(argv)
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
