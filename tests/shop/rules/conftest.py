"""Fixtures for the post-sale rules' tests (order status, order choice, returns, address): the demo orders as snapshots.

The pure rules are tested against the very facts of data/demo_shop/shop.yaml
(read here, no database), at a fixed ``NOW``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import yaml

from paths import DEMO_SHOP_FILE
from shop.policy.config import ShopPolicy, load_policy
from shop.rules.order_view import EventView, ItemView, OrderView

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _ago(entry: dict, stem: str) -> datetime | None:
    if f"{stem}_hours_ago" in entry:
        return NOW - timedelta(hours=entry[f"{stem}_hours_ago"])
    if f"{stem}_days_ago" in entry:
        return NOW - timedelta(days=entry[f"{stem}_days_ago"])
    return None


def demo_views() -> dict[str, OrderView]:
    """Every demo order as an OrderView, by order id (item ids are made up)."""
    with open(DEMO_SHOP_FILE, encoding="utf-8") as fh:
        shop = yaml.safe_load(fh)
    products = {p["code"]: p for p in shop["products"]}
    views = {}
    for n, order in enumerate(shop["orders"]):
        items = tuple(
            ItemView(
                item_id=100 * n + k,
                product_code=line["product"],
                product_name=products[line["product"]]["name"],
                color=line["color"],
                size=str(line["size"]),
                qty=line["qty"],
                no_reason_return=products[line["product"]]["no_reason_return"],
            )
            for k, line in enumerate(order["items"])
        )
        ship = order.get("shipment") or {}
        events = tuple(
            EventView(at=NOW - timedelta(days=e["days_ago"]), text=e["text"]) for e in ship.get("events", [])
        )
        views[order["id"]] = OrderView(
            order_id=order["id"],
            status=order["status"],
            items=items,
            created_at=_ago(order, "created") or _ago(order, "paid"),
            paid_at=_ago(order, "paid"),
            courier=ship.get("courier"),
            tracking_no=ship.get("tracking_no"),
            shipped_at=_ago(ship, "shipped"),
            signed_at=_ago(ship, "signed"),
            events=events,
            return_shipping_insurance=bool(order.get("return_shipping_insurance")),
        )
    return views


@pytest.fixture(scope="session")
def views() -> dict[str, OrderView]:
    return demo_views()


@pytest.fixture(scope="session")
def linlin(views: dict[str, OrderView]) -> list[OrderView]:
    """tb_linlin's orders, most recent first (as shop.store.orders returns them)."""
    ids = [f"502187334000{n}" for n in range(1, 8)]
    mine = [views[i] for i in ids]
    return sorted(mine, key=lambda o: o.created_at, reverse=True)


@pytest.fixture(scope="session")
def policy() -> ShopPolicy:
    return load_policy()


@pytest.fixture
def now() -> datetime:
    """The moment the demo snapshots are relative to."""
    return NOW
