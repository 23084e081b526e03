"""Messages the shop sends a buyer unasked, within the policy, once each.

Two kinds today: an unpaid-order reminder `payment.remind_unpaid_after_hours` after the
order was placed, and a notice when a parcel's tracking goes stale (the same rule as the
stale-tracking reply: `shop.rules.order_status`), one per PARCEL: an order shipped in
several parcels gets one per stale parcel (kind `tracking_stale:<shipment id>`), a merged
parcel carrying several orders one in all (on the order whose shipment of it came first).
Each message is a `proactive_messages` row, unique per order and kind, committed *before*
it is sent: a second run finds the row and
sends nothing, and a row still "queued" after a crash is sent by the next run (re-checked
first: an order paid or a link revoked meanwhile skips it; a chat an agent has taken over
keeps it queued until released). Only to a chat verified as the order's buyer, only
texts that pass the policy check, never inside the policy's quiet hours.
Free of any front end: the Telegram gateway schedules and delivers (bot/proactive.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, exists, func, or_, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from desk import follow_ups, texts
from shop.db.engine import insert_ignoring_conflict, translate_db_errors
from shop.models import ChannelLink, Conversation, Order, OrderItem, ProactiveMessage, Shipment
from shop.policy import check_text
from shop.policy.config import ShopPolicy
from shop.rules.order_status import decide_status
from shop.rules.order_view import OrderView, view_of
from shop.store.policy_context import ShopWideCache, context_for

log = logging.getLogger(__name__)

UNPAID = "unpaid_reminder"
TRACKING_STALE = "tracking_stale"
KINDS = (UNPAID, TRACKING_STALE)
_TEXT_KEYS = {UNPAID: "proactive_unpaid", TRACKING_STALE: "proactive_tracking_stale"}
# The kind of a stale-parcel notice about one parcel of an order shipped in several.
_PARCEL_KIND = TRACKING_STALE + ":{shipment_id}"


def in_quiet_hours(now: datetime, quiet_hours: tuple[str, str] | None, tz: ZoneInfo) -> bool:
    """Is `now` inside the quiet window ("22:00", "09:00": over midnight) in the shop's time zone?"""
    if not quiet_hours:
        return False
    start, end = (time.fromisoformat(value) for value in quiet_hours)
    local = now.astimezone(tz).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def _is_stale(order: OrderView, *, now: datetime, policy: ShopPolicy) -> bool:
    return decide_status(order, text="", now=now, policy=policy).follow_up == "tracking_stale"


def _due(
    order: Order,
    view: OrderView,
    *,
    now: datetime,
    policy: ShopPolicy,
    first_shipments: Mapping[str, int] | None = None,
) -> list[tuple[str, OrderView]]:
    """(kind, what its text is about) of each message due for ``order``.

    ``first_shipments`` ({waybill: id of its first shipment}) gives a merged
    parcel's notice to one order only; None: no such check (re-checking a queued row).
    """
    if view.status == "awaiting_payment":
        placed = view.created_at
        if placed is not None and now - placed >= timedelta(hours=policy.remind_unpaid_after_hours):
            return [(UNPAID, view)]
        return []
    if view.status != "shipped":
        return []
    due = []
    # view_of lists the parcels in the order of order.shipments.
    for shipment, parcel in zip(order.shipments, view.parcels, strict=True):
        if (
            first_shipments is not None
            and first_shipments.get(shipment.tracking_no, shipment.id) != shipment.id
        ):
            continue  # a merged parcel: the order that shipped it first tells the buyer
        about = view.about_parcel(parcel) if view.split else view
        if about.status == "shipped" and _is_stale(about, now=now, policy=policy):
            kind = _PARCEL_KIND.format(shipment_id=shipment.id) if view.split else TRACKING_STALE
            due.append((kind, about))
    return due


def _still_due(kind: str, order: Order, *, now: datetime, policy: ShopPolicy) -> bool:
    return kind in {due for due, _ in _due(order, view_of(order), now=now, policy=policy)}


def _first_shipments(orders: list[Order], *, session: Session) -> dict[str, int]:
    """{waybill: its first shipment's id among orders on the way} for the waybills of ``orders``."""
    waybills = {shipment.tracking_no for order in orders for shipment in order.shipments}
    if not waybills:
        return {}
    query = (
        select(Shipment.tracking_no, func.min(Shipment.id))
        .join(Order, Shipment.order_id == Order.id)
        .where(Order.status == "shipped", Shipment.tracking_no.in_(waybills))
        .group_by(Shipment.tracking_no)
    )
    return {waybill: first for waybill, first in session.execute(query)}


def _buyer_chat(session: Session, order: Order, channel: str) -> Conversation | None:
    """The chat verified as the order's buyer on `channel` (the latest link), unless it blocked the bot."""
    links = session.scalars(
        select(ChannelLink)
        .where(
            ChannelLink.buyer_id == order.buyer_id,
            ChannelLink.channel == channel,
            ChannelLink.revoked_at.is_(None),
        )
        .order_by(ChannelLink.verified_at.desc(), ChannelLink.id.desc())
    )
    for link in links:
        conversation = session.scalars(
            select(Conversation).where(
                Conversation.channel == channel, Conversation.user_id == link.external_id
            )
        ).first()
        if conversation is not None and not conversation.blocked:
            return conversation
    return None


def _text(kind: str, order: OrderView) -> str:
    latest = order.latest_event
    return texts.buyer(
        _TEXT_KEYS[kind.partition(":")[0]],
        order_id=order.order_id,
        product=order.product_label,
        courier=order.courier or "",
        tracking_no=order.tracking_no or "",
        latest_event=latest.text if latest is not None else "",
    )


def _loaded(stmt: Select[tuple[Order]]) -> Select[tuple[Order]]:
    items = selectinload(Order.items)
    return stmt.options(
        joinedload(Order.buyer),
        items.joinedload(OrderItem.product),
        items.joinedload(OrderItem.return_request),
        selectinload(Order.shipments).selectinload(Shipment.events),
    )


def _without(kind: str) -> ColumnElement[bool]:
    return ~exists().where(ProactiveMessage.order_id == Order.id, ProactiveMessage.kind == kind)


def _candidates(session: Session, *, now: datetime, policy: ShopPolicy) -> list[Order]:
    """Unpaid orders old enough and parcels on the way, without a message of that kind yet."""
    placed_before = now - timedelta(hours=policy.remind_unpaid_after_hours)
    unpaid = select(Order).where(
        Order.status == "awaiting_payment", Order.created_at <= placed_before, _without(UNPAID)
    )
    # An order shipped in several parcels may owe a notice for another of them.
    several = select(func.count(Shipment.id)).where(Shipment.order_id == Order.id).scalar_subquery() > 1
    on_the_way = select(Order).where(Order.status == "shipped", or_(_without(TRACKING_STALE), several))
    found: list[Order] = []
    for stmt in (unpaid, on_the_way):
        found += session.scalars(_loaded(stmt).order_by(Order.created_at, Order.id)).unique()
    return found


@translate_db_errors
def record_due(
    *,
    session: Session,
    now: datetime,
    policy: ShopPolicy,
    channel: str,
    shop_wide: ShopWideCache | None = None,
) -> int:
    """Records (status "queued") every message now due; returns how many were new.

    A text that fails the policy check is recorded as skipped (never sent, never retried);
    a stale parcel also gets an agent task, so the promise in the notice has an owner.
    """
    created = 0
    candidates = _candidates(session, now=now, policy=policy)
    first_shipments = _first_shipments(candidates, session=session)
    for order in candidates:
        view = view_of(order)
        due = _due(order, view, now=now, policy=policy, first_shipments=first_shipments)
        if not due:
            continue
        conversation = _buyer_chat(session, order, channel)
        if conversation is None:
            continue  # nobody verified as this buyer can be reached: nothing is recorded, a later link may be
        for kind, about in due:
            if _record_one(kind, about, order, conversation, session=session, now=now, shop_wide=shop_wide):
                created += 1
    return created


def _record_one(
    kind: str,
    about: OrderView,
    order: Order,
    conversation: Conversation,
    *,
    session: Session,
    now: datetime,
    shop_wide: ShopWideCache | None,
) -> bool:
    """Record one message unless it already is; a new stale-parcel notice also gets an agent task."""
    text = _text(kind, about)
    violations = check_text(text, context=context_for(order.buyer, session=session, shop_wide=shop_wide))
    values = {
        "order_id": order.id,
        "kind": kind,
        "channel": conversation.channel,
        "chat_id": conversation.chat_id,
        "text": text,
        "status": "skipped" if violations else "queued",
        "skip_reason": "policy" if violations else None,
        "created_at": now,
        "sent_at": None,
    }
    if violations:
        log.warning(
            "proactive %s for an order failed the policy check: %s", kind, [v.code for v in violations]
        )
    if not insert_ignoring_conflict(session, ProactiveMessage, values, conflict=["order_id", "kind"]):
        return False
    if kind != UNPAID:
        follow_ups.ensure_follow_up(
            reason="tracking_stale",
            order_id=order.id,
            conversation_id=conversation.id,
            session=session,
            now=now,
        )
    return True


@dataclass(frozen=True)
class Outgoing:
    """A recorded message to deliver now."""

    id: int
    chat_id: str
    conversation_id: int
    text: str


@translate_db_errors
def to_send(*, session: Session, now: datetime, policy: ShopPolicy, channel: str) -> list[Outgoing]:
    """Queued messages that still apply; those that no longer do are marked skipped.

    A row queued before a crash is sent now, unless the order was paid (or scanned)
    meanwhile, or its chat is no longer verified as the order's buyer.
    """
    rows = list(
        session.scalars(
            select(ProactiveMessage)
            .where(ProactiveMessage.status == "queued", ProactiveMessage.channel == channel)
            .order_by(ProactiveMessage.id)
        )
    )
    outgoing = []
    for row in rows:
        order = session.scalars(_loaded(select(Order).where(Order.id == row.order_id))).first()
        conversation = _buyer_chat(session, order, channel) if order is not None else None
        if order is None or not _still_due(row.kind, order, now=now, policy=policy):
            mark(row.id, "skipped", reason="no_longer_due", session=session, now=now)
        elif conversation is None or conversation.chat_id != row.chat_id:
            mark(row.id, "skipped", reason="not_linked", session=session, now=now)
        elif conversation.mode == "human":
            continue  # an agent has the chat: the bot says nothing on its own; it waits, queued
        else:
            outgoing.append(Outgoing(row.id, row.chat_id, conversation.id, row.text))
    return outgoing


@translate_db_errors
def mark(message_id: int, status: str, *, reason: str | None = None, session: Session, now: datetime) -> bool:
    """Records the outcome of one queued message ("sent" or "skipped" with a reason)."""
    values = {"status": status, "skip_reason": reason, "sent_at": now if status == "sent" else None}
    stmt = (
        update(ProactiveMessage)
        .where(ProactiveMessage.id == message_id, ProactiveMessage.status == "queued")
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(stmt).rowcount == 1
