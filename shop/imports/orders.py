"""Apply parsed buyer, order and tracking records (``session=``, the caller commits).

An order export has one row per order line; rows with the same 订单编号 are one
order. Orders are read and written in chunks with their items and parcels
loaded up front, so a large export costs a few queries per chunk, not per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shop.db.errors import InvalidInput
from shop.db.inputs import normalise_order_id
from shop.imports.records import Record, diff_set, refuse
from shop.imports.report import ImportReport
from shop.imports.vocabulary import load_import_vocabulary
from shop.models import ORDER_STATUSES, Buyer, Order, OrderItem, Product, Shipment, TrackingEvent

CHUNK = 1000


def _buyers(accounts: set[str], *, session: Session) -> dict[str, Buyer]:
    return {b.account: b for b in session.scalars(select(Buyer).where(Buyer.account.in_(accounts)))}


def apply_buyers(records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime) -> None:
    buyers = _buyers({r.values["account"] for r in records}, session=session)
    for record in records:
        values = record.values
        buyer = buyers.get(values["account"])
        created = buyer is None
        if buyer is None:
            buyer = Buyer(account=values["account"], name=values["account"], phone_last4="", created_at=now)
            session.add(buyer)
            buyers[buyer.account] = buyer
        diffs: list[str] = []
        if values.get("name"):
            diff_set(buyer, "name", values["name"], diffs)
        if values.get("phone_tail"):
            diff_set(buyer, "phone_last4", values["phone_tail"], diffs)
        if "first_order_at" in values:
            diff_set(buyer, "first_order_at", values["first_order_at"], diffs)
        report.note(created, f"买家 {buyer.account}", diffs)


def _status(value: str) -> str | None:
    if value in ORDER_STATUSES:
        return value
    return load_import_vocabulary().statuses.get(value.replace("（", "(").replace("）", ")"))


def _group_orders(records: Sequence[Record], report: ImportReport) -> dict[str, list[Record]]:
    """{order id: its rows}; an order with a bad row is left out whole (and said so)."""
    groups: dict[str, list[Record]] = {}
    bad: set[str] = set()
    for _, values in report.refused:
        try:
            bad.add(normalise_order_id(values.get("order_id", "")))
        except InvalidInput:
            pass
    for record in records:
        values = record.values
        try:
            order_id = normalise_order_id(values["order_id"])
        except InvalidInput:
            refuse(report, record, "order_id", "order_id", values["order_id"])
            continue
        status = _status(values["status"])
        if status is None:
            refuse(report, record, "status", "status", values["status"])
            bad.add(order_id)
            continue
        values["status"] = status
        rows = groups.setdefault(order_id, [])
        if rows and rows[0].values["account"] != values["account"]:
            refuse(report, record, "account", "other_buyer", order_id)
            bad.add(order_id)
        rows.append(record)
    for order_id in bad:
        rows = groups.pop(order_id, [])
        if rows:
            refuse(report, rows[0], "order_id", "order_skipped", order_id)
    return groups


def apply_orders(records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime) -> None:
    groups = _group_orders(records, report)
    prices = {code: price for code, price in session.execute(select(Product.code, Product.price))}
    for order_id, rows in list(groups.items()):
        unknown = next((r for r in rows if r.values["code"] not in prices), None)
        if unknown is not None:
            refuse(report, unknown, "code", "unknown_product", unknown.values["code"])
            del groups[order_id]
    tails = _newest_phone_tails(groups)
    ids = list(groups)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        orders = {
            o.id: o
            for o in session.scalars(
                select(Order)
                .where(Order.id.in_(chunk))
                .options(
                    selectinload(Order.items), selectinload(Order.shipment).selectinload(Shipment.events)
                )
            )
        }
        buyers = _buyers({groups[i][0].values["account"] for i in chunk}, session=session)
        for order_id in chunk:
            _apply_order(
                order_id, groups[order_id], orders.get(order_id), buyers, tails, prices, session, report, now
            )
        session.flush()


def _newest_phone_tails(groups: dict[str, list[Record]]) -> dict[str, str]:
    """{account: phone tail of that buyer's newest order in the file}: the phone they will give."""
    newest: dict[str, tuple[datetime | None, str]] = {}
    for rows in groups.values():
        first = rows[0].values
        tail = next((r.values["phone_tail"] for r in rows if r.values.get("phone_tail")), "")
        if not tail:
            continue
        placed = first.get("created_at") or first.get("paid_at")
        seen = newest.get(first["account"])
        if seen is None or (placed is not None and (seen[0] is None or placed >= seen[0])):
            newest[first["account"]] = (placed, tail)
    return {account: tail for account, (_, tail) in newest.items()}


def _buyer_for(
    rows: list[Record], buyers: dict[str, Buyer], tails: dict[str, str], session: Session, now: datetime
) -> Buyer:
    first = rows[0].values
    buyer = buyers.get(first["account"])
    if buyer is None:
        buyer = Buyer(account=first["account"], name=first["account"], phone_last4="", created_at=now)
        session.add(buyer)
        buyers[buyer.account] = buyer
    tail = tails.get(buyer.account)
    if tail and buyer.phone_last4 != tail:
        buyer.phone_last4 = tail
    placed = first.get("paid_at") or first.get("created_at")
    if placed is not None and (buyer.first_order_at is None or placed < buyer.first_order_at):
        buyer.first_order_at = placed
    return buyer


def _apply_order(
    order_id: str,
    rows: list[Record],
    order: Order | None,
    buyers: dict[str, Buyer],
    tails: dict[str, str],
    prices: dict[str, Decimal],
    session: Session,
    report: ImportReport,
    now: datetime,
) -> None:
    first = rows[0].values
    buyer = _buyer_for(rows, buyers, tails, session, now)
    created = order is None
    if order is None:
        order = Order(
            id=order_id,
            buyer=buyer,
            status=first["status"],
            created_at=first.get("created_at") or first.get("paid_at") or now,
            shipping_fee=Decimal("0.00"),
        )
        session.add(order)
    diffs: list[str] = []
    if not created and order.buyer_id != buyer.id:
        order.buyer = buyer
        diffs.append(f"买家 {buyer.account}")
    diff_set(order, "status", first["status"], diffs)
    for field in ("created_at", "paid_at"):
        if first.get(field) is not None or (field == "paid_at" and "paid_at" in first):
            diff_set(order, field, first.get(field), diffs)
    if "shipping_fee" in first:
        diff_set(order, "shipping_fee", first["shipping_fee"], diffs)
    if "insurance" in first:
        diff_set(order, "return_shipping_insurance", first["insurance"], diffs)
    _apply_items(order, rows, prices, diffs)
    _apply_shipment(order, first, diffs, now, created=created)
    report.note(created, f"订单 {order_id}", diffs)


def _apply_items(order: Order, rows: list[Record], prices: dict[str, Decimal], diffs: list[str]) -> None:
    wanted: list[dict[str, Any]] = []
    for position, record in enumerate(rows):
        values = record.values
        color, size = values["sku"]
        wanted.append(
            {
                "position": position,
                "product_code": values["code"],
                "color": color,
                "size": size,
                "qty": values.get("qty") or 1,
                "price": values.get("price") if values.get("price") is not None else prices[values["code"]],
            }
        )
    items = list(order.items)
    for position, fields in enumerate(wanted):
        if position < len(items):
            before = len(diffs)
            for field, value in fields.items():
                diff_set(items[position], field, value, diffs)
            if len(diffs) > before:
                diffs[before:] = [f"第{position + 1}件 " + d for d in diffs[before:]]
        else:
            order.items.append(OrderItem(**fields))
            if items:
                diffs.append(f"+ {fields['product_code']} {fields['color']} {fields['size']}")
    for item in items[len(wanted) :]:
        if item.return_request is None:  # an item a return names stays
            order.items.remove(item)
            diffs.append(f"- {item.product_code} {item.color} {item.size}")


def _apply_shipment(
    order: Order, values: dict[str, Any], diffs: list[str], now: datetime, *, created: bool
) -> None:
    tracking_no = values.get("tracking_no")
    if not tracking_no:
        return
    shipment = order.shipment
    if shipment is None:
        shipment = Shipment(
            courier=values.get("courier") or "",
            tracking_no=tracking_no,
            shipped_at=values.get("shipped_at") or values.get("paid_at") or now,
        )
        order.shipment = shipment
        if not created:
            diffs.append(f"运单号 ∅ → {tracking_no}")
    diff_set(shipment, "tracking_no", tracking_no, diffs)
    if values.get("courier"):
        diff_set(shipment, "courier", values["courier"], diffs)
    if values.get("shipped_at") is not None:
        diff_set(shipment, "shipped_at", values["shipped_at"], diffs)
    if "signed_at" in values:
        diff_set(shipment, "signed_at", values["signed_at"], diffs)


def apply_tracking(
    records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime
) -> None:
    numbers = {r.values["tracking_no"] for r in records}
    shipments: dict[str, Shipment] = {}
    numbers_list = list(numbers)
    for start in range(0, len(numbers_list), CHUNK):
        chunk = numbers_list[start : start + CHUNK]
        for shipment in session.scalars(
            select(Shipment).where(Shipment.tracking_no.in_(chunk)).options(selectinload(Shipment.events))
        ):
            shipments[shipment.tracking_no] = shipment
    for record in records:
        values = record.values
        shipment = shipments.get(values["tracking_no"])
        if shipment is None:
            refuse(report, record, "tracking_no", "unknown_tracking", values["tracking_no"])
            continue
        seen = {(e.occurred_at, e.text) for e in shipment.events}
        created = (values["occurred_at"], values["text"]) not in seen
        if created:
            shipment.events.append(TrackingEvent(occurred_at=values["occurred_at"], text=values["text"]))
        report.note(created, f"物流 {shipment.tracking_no} {values['text']}", [])
