"""One chunk of an order export diffed against the stored orders, items and parcels, then written.

:class:`StoredOrders` reads what the database holds for a chunk of order ids
(three queries); :meth:`OrderWrites.order` compares one order's rows with it and
collects the inserts, updates and deletes; :meth:`OrderWrites.run` writes them
with one executemany each (shop/imports/bulk.py says why not the ORM). The
change texts are the ones ``diff_set`` writes for objects, so a report reads
the same whichever way a kind is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.imports.bulk import chunks, delete_rows, insert_rows, rows_where_in, update_rows
from shop.imports.records import diff_put
from shop.models import Order, OrderItem, ReturnRequest, Shipment

ORDERS = Order.__table__
ITEMS = OrderItem.__table__
SHIPMENTS = Shipment.__table__
RETURNS = ReturnRequest.__table__

ITEM_FIELDS = ("position", "product_code", "color", "size", "qty", "price")


@dataclass
class StoredOrders:
    """What the database holds for some order ids: rows as dicts, items in position order."""

    orders: dict[str, dict[str, Any]]
    items: dict[str, list[dict[str, Any]]]
    shipments: dict[str, list[dict[str, Any]]]  # an order's parcels (several: 拆单/分批发货)

    @classmethod
    def read(cls, order_ids: Sequence[str], *, session: Session) -> StoredOrders:
        orders = {row["id"]: row for row in rows_where_in(session, ORDERS, ORDERS.c.id, order_ids)}
        items: dict[str, list[dict[str, Any]]] = {}
        known = [order_id for order_id in order_ids if order_id in orders]
        for chunk in chunks(known):
            query = (
                select(ITEMS, RETURNS.c.id.is_not(None).label("returned"))
                .outerjoin(RETURNS, RETURNS.c.order_item_id == ITEMS.c.id)
                .where(ITEMS.c.order_id.in_(chunk))
                .order_by(ITEMS.c.order_id, ITEMS.c.position, ITEMS.c.id)
            )
            for row in session.execute(query).mappings():
                items.setdefault(row["order_id"], []).append(dict(row))
        shipments: dict[str, list[dict[str, Any]]] = {}
        for row in rows_where_in(session, SHIPMENTS, SHIPMENTS.c.order_id, known):
            shipments.setdefault(row["order_id"], []).append(row)
        return cls(orders, items, shipments)


@dataclass
class OrderWrites:
    """The inserts, updates and deletes one chunk of orders needs."""

    new_orders: list[dict[str, Any]] = field(default_factory=list)
    changed_orders: list[dict[str, Any]] = field(default_factory=list)
    new_items: list[dict[str, Any]] = field(default_factory=list)
    changed_items: list[dict[str, Any]] = field(default_factory=list)
    gone_items: list[int] = field(default_factory=list)
    new_shipments: list[dict[str, Any]] = field(default_factory=list)
    changed_shipments: list[dict[str, Any]] = field(default_factory=list)
    # Waybills a parcel got in this chunk: they may join a merged parcel's scans.
    new_waybills: list[str] = field(default_factory=list)

    def order(
        self,
        order_id: str,
        lines: list[Mapping[str, Any]],
        stored: StoredOrders,
        buyer_id: int,
        account: str,
        prices: Mapping[str, Decimal],
        now: datetime,
    ) -> tuple[bool, list[str]]:
        """Collect the writes of one order (its export lines); (created, change texts) for the report."""
        first = lines[0]
        row = stored.orders.get(order_id)
        created = row is None
        diffs: list[str] = []
        changed: dict[str, Any] = {}
        if row is None:
            row = {
                "id": order_id,
                "buyer_id": buyer_id,
                "status": first["status"],
                "created_at": first.get("created_at") or first.get("paid_at") or now,
                "paid_at": None,
                "shipping_fee": Decimal("0.00"),
                "return_shipping_insurance": False,
            }
        elif row["buyer_id"] != buyer_id:
            row["buyer_id"] = changed["buyer_id"] = buyer_id
            diffs.append(f"买家 {account}")
        diff_put(row, changed, "status", first["status"], diffs)
        for name in ("created_at", "paid_at"):
            if first.get(name) is not None or (name == "paid_at" and "paid_at" in first):
                diff_put(row, changed, name, first.get(name), diffs)
        if "shipping_fee" in first:
            diff_put(row, changed, "shipping_fee", first["shipping_fee"], diffs)
        if "insurance" in first:
            diff_put(row, changed, "return_shipping_insurance", first["insurance"], diffs)
        if created:
            self.new_orders.append(row)
        elif changed:
            self.changed_orders.append({"id": order_id, **changed})
        self._items(order_id, lines, stored.items.get(order_id, []), prices, diffs)
        # Each parcel's cells come from the first row that names its waybill: lines not
        # shipped yet leave 运单号 blank; an order shipped in several parcels names
        # several, in one cell or on different rows.
        parcels: dict[str, Mapping[str, Any]] = {}
        for line in lines:
            for tracking_no in line.get("tracking_nos", ()):
                parcels.setdefault(tracking_no, line)
        self._shipments(order_id, parcels, stored.shipments.get(order_id, []), diffs, now, created=created)
        return created, diffs

    def _items(
        self,
        order_id: str,
        lines: list[Mapping[str, Any]],
        items: list[dict[str, Any]],
        prices: Mapping[str, Decimal],
        diffs: list[str],
    ) -> None:
        """Lines match stored items by position; an item a return names stays when the line is gone."""
        for position, values in enumerate(lines):
            color, size = values["sku"]
            price = values.get("price")
            wanted = {
                "position": position,
                "product_code": values["code"],
                "color": color,
                "size": size,
                "qty": values.get("qty") or 1,
                "price": price if price is not None else prices[values["code"]],
            }
            if position >= len(items):
                self.new_items.append({"order_id": order_id, **wanted})
                if items:
                    diffs.append(f"+ {wanted['product_code']} {wanted['color']} {wanted['size']}")
                continue
            item, changed, item_diffs = items[position], {}, []
            for name, value in wanted.items():
                diff_put(item, changed, name, value, item_diffs)
            if changed:
                self.changed_items.append({"id": item["id"], **changed})
                diffs.extend(f"第{position + 1}件 " + d for d in item_diffs)
        for item in items[len(lines) :]:
            if not item["returned"]:
                self.gone_items.append(item["id"])
                diffs.append(f"- {item['product_code']} {item['color']} {item['size']}")

    def _shipments(
        self,
        order_id: str,
        parcels: Mapping[str, Mapping[str, Any]],
        stored: list[dict[str, Any]],
        diffs: list[str],
        now: datetime,
        *,
        created: bool,
    ) -> None:
        """Parcels match stored ones by waybill; one the export no longer names is kept with its scans.

        The exception: a one-parcel order whose export now gives another single
        waybill had it corrected (a typo fixed), so its parcel takes the new number.
        """
        by_waybill = {row["tracking_no"]: row for row in stored}
        corrected = len(parcels) == 1 and len(stored) == 1 and not parcels.keys() & by_waybill.keys()
        for tracking_no, values in parcels.items():
            row = stored[0] if corrected else by_waybill.get(tracking_no)
            self._shipment(order_id, tracking_no, values, row, diffs, now, created=created, first=not stored)

    def _shipment(
        self,
        order_id: str,
        tracking_no: str,
        values: Mapping[str, Any],
        row: dict[str, Any] | None,
        diffs: list[str],
        now: datetime,
        *,
        created: bool,
        first: bool,
    ) -> None:
        new = row is None
        if row is None:
            row = {
                "order_id": order_id,
                "courier": values.get("courier") or "",
                "tracking_no": tracking_no,
                "shipped_at": values.get("shipped_at") or values.get("paid_at") or now,
                "signed_at": None,
            }
            if not created:
                diffs.append(f"运单号 ∅ → {tracking_no}" if first else f"+ 运单号 {tracking_no}")
        changed: dict[str, Any] = {}
        diff_put(row, changed, "tracking_no", tracking_no, diffs)
        if values.get("courier"):
            diff_put(row, changed, "courier", values["courier"], diffs)
        if values.get("shipped_at") is not None:
            diff_put(row, changed, "shipped_at", values["shipped_at"], diffs)
        if "signed_at" in values:
            diff_put(row, changed, "signed_at", values["signed_at"], diffs)
        if new or "tracking_no" in changed:
            self.new_waybills.append(tracking_no)
        if new:
            self.new_shipments.append(row)
        elif changed:
            self.changed_shipments.append({"id": row["id"], **changed})

    def run(self, *, session: Session) -> None:
        """Write the chunk: orders before the items and parcels that reference them."""
        insert_rows(session, ORDERS, self.new_orders)
        update_rows(session, ORDERS, self.changed_orders)
        delete_rows(session, ITEMS, self.gone_items)
        update_rows(session, ITEMS, self.changed_items)
        insert_rows(session, ITEMS, self.new_items)
        insert_rows(session, SHIPMENTS, self.new_shipments)
        update_rows(session, SHIPMENTS, self.changed_shipments)
