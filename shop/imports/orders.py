"""Apply parsed buyer, order and tracking records (``session=``, the caller commits).

An order export has one row per order line; rows with the same 订单编号 are one
order. Orders are read and written in chunks with their items and parcels
loaded up front, so a large export costs a few queries per chunk, not per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.db.errors import InvalidInput
from shop.db.inputs import normalise_order_id
from shop.imports.bulk import chunks, expire_loaded, insert_rows, rows_where_in, update_rows
from shop.imports.order_writes import OrderWrites, StoredOrders
from shop.imports.records import Record, diff_put, refuse
from shop.imports.report import ImportReport
from shop.imports.vocabulary import load_import_vocabulary
from shop.models import ORDER_STATUSES, Buyer, Order, OrderItem, Product, Shipment, TrackingEvent


def apply_buyers(records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime) -> None:
    session.flush()  # the writes below bypass the unit of work
    table = Buyer.__table__
    accounts = [r.values["account"] for r in records]
    stored = {row["account"]: row for row in rows_where_in(session, table, table.c.account, accounts)}
    new: list[dict[str, Any]] = []
    changed: dict[int, dict[str, Any]] = {}
    for record in records:
        values = record.values
        row = stored.get(values["account"])
        created = row is None
        if row is None:
            row = {"account": values["account"], "name": values["account"], "phone_last4": "",
                   "first_order_at": None, "created_at": now}  # fmt: skip
            stored[row["account"]] = row
            new.append(row)
        change = changed.setdefault(row["id"], {}) if "id" in row else {}
        diffs: list[str] = []
        if values.get("name"):
            diff_put(row, change, "name", values["name"], diffs)
        if values.get("phone_tail"):
            diff_put(row, change, "phone_last4", values["phone_tail"], diffs)
        if "first_order_at" in values:
            diff_put(row, change, "first_order_at", values["first_order_at"], diffs)
        report.note(created, f"买家 {row['account']}", diffs)
    insert_rows(session, table, new)
    update_rows(session, table, [{"id": key, **change} for key, change in changed.items() if change])
    expire_loaded(session, Buyer)


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
    session.flush()  # the writes below bypass the unit of work
    buyer_ids = _write_buyers(groups, session=session, now=now)
    new_waybills: list[str] = []
    for chunk in chunks(list(groups)):
        writes = OrderWrites()
        stored = StoredOrders.read(chunk, session=session)
        for order_id in chunk:
            rows = groups[order_id]
            buyer = rows[0].values["account"]
            created, diffs = writes.order(
                order_id, [r.values for r in rows], stored, buyer_ids[buyer], buyer, prices, now
            )
            report.note(created, f"订单 {order_id}", diffs)
        writes.run(session=session)
        new_waybills.extend(writes.new_waybills)
    share_merged_parcel_scans(new_waybills, session=session)
    expire_loaded(session, Buyer, Order, OrderItem, Shipment)


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


def _write_buyers(groups: dict[str, list[Record]], *, session: Session, now: datetime) -> dict[str, int]:
    """Create the orders' new buyers, give known ones their newest phone tail and earliest order.

    Returns {account: buyer id} for every buyer of ``groups``.
    """
    tails = _newest_phone_tails(groups)
    first_orders: dict[str, datetime | None] = {}
    for rows in groups.values():
        first = rows[0].values
        placed = first.get("paid_at") or first.get("created_at")
        earliest = first_orders.get(first["account"])
        first_orders[first["account"]] = (
            placed if earliest is None or (placed and placed < earliest) else earliest
        )
    table = Buyer.__table__
    stored = {row["account"]: row for row in rows_where_in(session, table, table.c.account, first_orders)}
    new, changed = [], []
    for account, placed in first_orders.items():
        row = stored.get(account)
        if row is None:
            new.append(
                {"account": account, "name": account, "phone_last4": tails.get(account, ""),
                 "first_order_at": placed, "created_at": now}
            )  # fmt: skip
            continue
        change: dict[str, Any] = {}
        if tails.get(account) and row["phone_last4"] != tails[account]:
            change["phone_last4"] = tails[account]
        if placed is not None and (row["first_order_at"] is None or placed < row["first_order_at"]):
            change["first_order_at"] = placed
        if change:
            changed.append({"id": row["id"], **change})
    insert_rows(session, table, new)
    update_rows(session, table, changed)
    ids = {account: row["id"] for account, row in stored.items()}
    if new:
        created = rows_where_in(session, table, table.c.account, [row["account"] for row in new])
        ids.update((row["account"], row["id"]) for row in created)
    return ids


def apply_tracking(
    records: Sequence[Record], *, session: Session, report: ImportReport, now: datetime
) -> None:
    """Add the scans a parcel does not have yet (same time and text = the same scan).

    A merged parcel (合并发货) is one waybill on several orders' shipments: each of
    them gets the scan, so whichever order the buyer asks about shows it.
    """
    session.flush()  # the writes below bypass the unit of work
    shipment_ids = _shipments_by_waybill([r.values["tracking_no"] for r in records], session=session)
    seen = _scans_of([sid for ids in shipment_ids.values() for sid in ids], session=session)
    new: list[dict[str, Any]] = []
    for record in records:
        values = record.values
        ids = shipment_ids.get(values["tracking_no"])
        if not ids:
            refuse(report, record, "tracking_no", "unknown_tracking", values["tracking_no"])
            continue
        scan = (values["occurred_at"], values["text"])
        created = False
        for shipment_id in ids:
            if scan not in seen.setdefault(shipment_id, set()):
                seen[shipment_id].add(scan)
                new.append({"shipment_id": shipment_id, "occurred_at": scan[0], "text": scan[1]})
                created = True
        report.note(created, f"物流 {values['tracking_no']} {values['text']}", [])
    insert_rows(session, TrackingEvent.__table__, new)
    expire_loaded(session, Shipment, TrackingEvent)


def share_merged_parcel_scans(tracking_nos: Iterable[str], *, session: Session) -> None:
    """Give every shipment of a merged parcel the scans another shipment of it already has.

    An order export may add an order to a parcel whose scans were imported with an
    earlier order: the newcomer gets them too. Only waybills on several shipments
    are read, so a plain export costs one query per chunk.
    """
    parcels = Shipment.__table__
    shared: list[str] = []
    for chunk in chunks(list(dict.fromkeys(no for no in tracking_nos if no))):
        query = (
            select(parcels.c.tracking_no)
            .where(parcels.c.tracking_no.in_(chunk))
            .group_by(parcels.c.tracking_no)
            .having(func.count() > 1)
        )
        shared.extend(session.scalars(query))
    if not shared:
        return
    shipment_ids = _shipments_by_waybill(shared, session=session)
    seen = _scans_of([sid for ids in shipment_ids.values() for sid in ids], session=session)
    new: list[dict[str, Any]] = []
    for ids in shipment_ids.values():
        scans = set().union(*(seen.get(sid, set()) for sid in ids))
        for shipment_id in ids:
            for at, text in sorted(scans - seen.get(shipment_id, set())):
                new.append({"shipment_id": shipment_id, "occurred_at": at, "text": text})
    insert_rows(session, TrackingEvent.__table__, new)
    expire_loaded(session, Shipment, TrackingEvent)


def _shipments_by_waybill(tracking_nos: Iterable[str], *, session: Session) -> dict[str, list[int]]:
    """{waybill: ids of the shipments that carry it} (several for a merged parcel)."""
    parcels = Shipment.__table__
    found: dict[str, list[int]] = {}
    for row in rows_where_in(session, parcels, parcels.c.tracking_no, tracking_nos, parcels.c.id):
        found.setdefault(row["tracking_no"], []).append(row["id"])
    return found


def _scans_of(shipment_ids: Iterable[int], *, session: Session) -> dict[int, set[tuple[datetime, str]]]:
    """{shipment id: its scans as (time, text)}."""
    events = TrackingEvent.__table__
    seen: dict[int, set[tuple[datetime, str]]] = {}
    for row in rows_where_in(session, events, events.c.shipment_id, shipment_ids):
        seen.setdefault(row["shipment_id"], set()).add((row["occurred_at"], row["text"]))
    return seen
