"""The demo loader: every fact of data/demo_shop/shop.yaml, real timestamps, idempotence."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shop.db.engine import make_engine
from shop.db.errors import ShopError
from shop.demo import DemoLoadResult, ensure_a_shop, load_demo
from shop.imports import import_file
from shop.models import (
    Base,
    Buyer,
    Order,
    Product,
    Promotion,
    ReturnRequest,
    ShopInfo,
    SizeChartRow,
)
from shop.store.returns import create_return_request

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = timedelta(milliseconds=1)


def _close(actual, expected) -> bool:  # noqa: ANN001 - datetimes or None
    if actual is None or expected is None:
        return actual is expected
    return abs(actual - expected) <= TOLERANCE


def _ago(spec: dict[str, Any], prefix: str, now):  # noqa: ANN001, ANN202
    key = f"{prefix}_" if prefix else ""
    days, hours = spec.get(f"{key}days_ago"), spec.get(f"{key}hours_ago")
    if days is None and hours is None:
        return None
    return now - timedelta(days=float(days or 0), hours=float(hours or 0))


def _snapshot(session: Session) -> dict[str, list[tuple]]:
    """Every row of every table, to compare databases before and after."""
    out = {}
    for table in Base.metadata.sorted_tables:
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = [tuple(row) for row in rows]
    return out


def test_products_keep_every_catalogue_fact(demo_session: Session, demo_data: dict) -> None:
    for spec in demo_data["products"]:
        product = demo_session.get(Product, spec["code"])
        assert product is not None, spec["code"]
        assert product.name == spec["name"]
        assert product.category == spec["category"]
        assert product.price == Decimal(str(spec["price"])).quantize(Decimal("0.01"))
        assert product.colors == spec["colors"]
        assert product.materials == spec["materials"]
        assert product.care == spec["care"]
        assert product.free_shipping is spec["free_shipping"]
        assert product.no_reason_return is spec["no_reason_return"]
        assert product.pairs_with == spec.get("pairs_with", [])
        assert [row.size for row in product.size_chart] == [str(r["size"]) for r in spec["size_chart"]]
        for row, row_spec in zip(product.size_chart, spec["size_chart"], strict=True):
            assert row.label == row_spec["label"]
            for measure in SizeChartRow.MEASUREMENTS:
                expected = tuple(row_spec[measure]) if measure in row_spec else (None, None)
                assert row.range_of(measure) == expected, (spec["code"], row.size, measure)
        stock = {(s.color, s.size): (s.quantity, s.restock_days) for s in product.stock}
        expected_stock = {
            (color, str(size)): (qty, (spec.get("restock_days") or {}).get(color, {}).get(size))
            for color, sizes in spec["stock"].items()
            for size, qty in sizes.items()
        }
        assert stock == expected_stock
    count = demo_session.scalar(select(func.count()).select_from(Product))
    assert count == len(demo_data["products"])


def test_hygiene_item_has_no_no_reason_return(demo_session: Session) -> None:
    underwear = demo_session.get(Product, "0420")
    assert underwear is not None and underwear.no_reason_return is False


def test_promotions_buyers_and_shop_info(
    demo_session: Session, demo_data: dict, demo: DemoLoadResult
) -> None:
    info = demo_session.scalars(select(ShopInfo)).one()
    assert (info.name, info.agent_name, info.currency) == ("木棉家女装", "圈圈", "CNY")
    assert _close(info.loaded_at, demo.now)

    full = demo_session.get(Promotion, "FULL199")
    newcomer = demo_session.get(Promotion, "NEWCOMER5")
    assert full is not None and newcomer is not None
    assert (full.kind, full.text, full.threshold, full.discount) == (
        "threshold_discount",
        "全店满199减20",
        Decimal("199.00"),
        Decimal("20.00"),
    )
    assert (newcomer.kind, newcomer.amount, newcomer.newcomer_only) == ("coupon", Decimal("5.00"), True)
    assert full.newcomer_only is False

    for spec in demo_data["buyers"]:
        buyer = demo_session.scalars(select(Buyer).where(Buyer.account == spec["account"])).one()
        assert (buyer.name, buyer.phone_last4) == (spec["name"], spec["phone_last4"])
        assert _close(buyer.first_order_at, _ago(spec, "first_order", demo.now))
    newbie = demo_session.scalars(select(Buyer).where(Buyer.account == "tb_newbie")).one()
    assert newbie.first_order_at is None


def test_orders_with_relative_times_resolved(
    demo_session: Session, demo_data: dict, demo: DemoLoadResult
) -> None:
    now = demo.now
    for spec in demo_data["orders"]:
        order = demo_session.get(Order, spec["id"])
        assert order is not None, spec["id"]
        assert order.buyer.account == spec["buyer"]
        assert order.status == spec["status"]
        assert order.shipping_fee == Decimal(str(spec["shipping_fee"])).quantize(Decimal("0.01"))
        assert order.return_shipping_insurance is spec.get("return_shipping_insurance", False)
        paid = _ago(spec, "paid", now)
        assert _close(order.paid_at, paid)
        assert _close(order.created_at, _ago(spec, "created", now) or paid)
        assert order.created_at.tzinfo is not None and order.created_at.utcoffset() == timedelta(0)
        items = [(i.product_code, i.color, i.size, i.qty, i.price) for i in order.items]
        assert items == [
            (
                str(i["product"]),
                i["color"],
                str(i["size"]),
                i["qty"],
                Decimal(str(i["price"])).quantize(Decimal("0.01")),
            )
            for i in spec["items"]
        ]
        ship = spec.get("shipment")
        if ship is None:
            assert order.shipment is None
            continue
        assert (order.shipment.courier, order.shipment.tracking_no) == (ship["courier"], ship["tracking_no"])
        assert _close(order.shipment.shipped_at, _ago(ship, "shipped", now))
        assert _close(order.shipment.signed_at, _ago(ship, "signed", now))
        events = [(e.text, e.occurred_at) for e in order.shipment.events]
        assert [t for t, _ in events] == [e["text"] for e in ship["events"]]
        for (_, at), event in zip(events, ship["events"], strict=True):
            assert _close(at, _ago(event, "", now))


def test_specific_times(demo_session: Session, demo: DemoLoadResult) -> None:
    now = demo.now
    unpaid = demo_session.get(Order, "5021873340001")
    assert unpaid is not None and unpaid.paid_at is None
    assert _close(unpaid.created_at, now - timedelta(hours=1))
    paid = demo_session.get(Order, "5021873340002")
    assert paid is not None and _close(paid.created_at, now - timedelta(hours=20))
    shipped = demo_session.get(Order, "5021873340003")
    assert shipped is not None and shipped.shipment is not None
    # Fractional days: 0.3 days = 7.2 hours.
    assert _close(shipped.shipment.events[-1].occurred_at, now - timedelta(hours=7.2))
    assert _close(shipped.shipment.events[1].occurred_at, now - timedelta(hours=36))
    late = demo_session.get(Order, "5021873340005")
    assert late is not None and late.shipment is not None
    assert _close(late.shipment.signed_at, now - timedelta(days=10))
    assert late.shipment.signed_at.tzinfo == UTC


def test_second_load_changes_nothing(engine: Engine, demo: DemoLoadResult, demo_data: dict) -> None:
    with Session(engine) as session:
        before = _snapshot(session)
    with Session(engine) as session, session.begin():
        again = load_demo(session, data=demo_data, now=demo.now + timedelta(days=3))
    assert again.action == "unchanged"
    assert _close(again.now, demo.now)
    assert (again.products, again.buyers, again.orders) == (demo.products, demo.buyers, demo.orders)
    with Session(engine) as session:
        assert _snapshot(session) == before


def test_reset_rebuilds(engine: Engine, demo: DemoLoadResult, demo_data: dict) -> None:
    with Session(engine) as session, session.begin():
        item_id = session.get(Order, "5021873340004").items[0].id
        assert create_return_request(item_id, "tb_linlin", kind="return", reason="x", session=session)
    later = demo.now + timedelta(hours=5)
    with Session(engine) as session, session.begin():
        result = load_demo(session, data=demo_data, now=later, reset=True)
    assert result.action == "reset"
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReturnRequest)) == 0
        assert session.scalar(select(func.count()).select_from(ShopInfo)) == 1
        assert session.scalar(select(func.count()).select_from(Order)) == len(demo_data["orders"])
        order = session.get(Order, "5021873340003")
        assert _close(order.paid_at, later - timedelta(days=3))


def test_refuses_foreign_data_without_reset(session: Session, demo_data: dict) -> None:
    session.add(Buyer(account="someone", name="x", phone_last4="0000"))
    session.flush()
    with pytest.raises(ShopError):
        load_demo(session, data=demo_data)


def _run_demo(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "shop.demo", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_is_idempotent(db_url: str) -> None:
    first = _run_demo(db_url)
    assert first.returncode == 0, first.stderr
    assert len(first.stdout.strip().splitlines()) == 1
    assert "loaded" in first.stdout and "10 products, 3 buyers, 8 orders" in first.stdout
    second = _run_demo(db_url)
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout
    third = _run_demo(db_url, "--reset")
    assert third.returncode == 0, third.stderr
    assert "rebuilt" in third.stdout


def test_command_on_empty_database_file_migrates_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    done = _run_demo(url)
    assert done.returncode == 0, done.stderr
    assert "loaded" in done.stdout


def test_fresh_rebuilds_yesterdays_demo(db_url: str) -> None:
    assert _run_demo(db_url, "--fresh").returncode == 0
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        session.get(Order, "5021873340002").status = "closed"  # what a demo session left behind
    again = _run_demo(db_url, "--fresh")
    assert again.returncode == 0, again.stderr
    assert "rebuilt" in again.stdout
    with Session(engine) as session:
        assert session.get(Order, "5021873340002").status == "paid"


def test_fresh_never_replaces_another_shop(db_url: str) -> None:
    samples = ROOT / "data" / "samples"
    engine = make_engine(db_url)
    with Session(engine) as session:
        import_file(samples / "products.csv", session=session)
    refused = _run_demo(db_url, "--fresh")
    assert refused.returncode == 1 and "--reset" in refused.stderr
    with Session(engine) as session:
        assert session.get(Product, "3101") is not None and session.get(Product, "0201") is None


def test_a_shop_with_its_own_imported_data_is_left_as_it_is(db_url: str) -> None:
    engine = make_engine(db_url)
    with Session(engine) as session:
        import_file(ROOT / "data" / "samples" / "products.csv", session=session)
    assert ensure_a_shop(engine) is None
    with Session(engine) as session:
        assert session.get(Product, "0201") is None and session.get(Product, "3101") is not None


def test_an_empty_database_gets_the_demo_shop(db_url: str) -> None:
    result = ensure_a_shop(make_engine(db_url))
    assert result is not None and result.action == "loaded"
