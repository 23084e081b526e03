"""desk.proactive: a stale-parcel notice per stale PARCEL, once, for split (拆单) and merged (合并发货) parcels.

The demo shop is built relative to the real time: tb_linlin's 5021873340006
parcel 43100000000066 has had no scan for four days. Driven with a controlled
clock, never by waiting; a second run stands for a restart.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk import proactive
from shop.models import Order, OrderItem, ProactiveMessage, Shipment, TrackingEvent, utcnow
from tests.desk.test_proactive import _link, _record, _rows, _to_send

STALE_ORDER, STALE_WAYBILL = "5021873340006", "43100000000066"
SECOND_WAYBILL = "43100000000099"


def _stale_notices(session: Session, order_id: str = STALE_ORDER) -> list[ProactiveMessage]:
    """The stale-parcel notices recorded for one order."""
    rows = _rows(session).items()
    return [
        row for (order, kind), row in rows if order == order_id and kind.startswith(proactive.TRACKING_STALE)
    ]


def _second_parcel(session: Session, *, scanned_hours_ago: float) -> Shipment:
    """5021873340006 shipped in two parcels: the second left yesterday and was scanned since."""
    now = utcnow()
    parcel = Shipment(
        order_id=STALE_ORDER,
        courier="韵达快递",
        tracking_no=SECOND_WAYBILL,
        shipped_at=now - timedelta(days=1),
    )
    parcel.events = [
        TrackingEvent(occurred_at=now - timedelta(hours=scanned_hours_ago), text="【杭州市】已揽收")
    ]
    session.add(parcel)
    session.flush()
    return parcel


def test_a_split_order_gets_one_notice_per_stale_parcel_once(session: Session, demo: object) -> None:
    _link(session)
    _second_parcel(session, scanned_hours_ago=20)
    now = utcnow()
    assert _record(session, now) == 1
    (notice,) = _stale_notices(session)
    assert STALE_WAYBILL in notice.text and SECOND_WAYBILL not in notice.text
    assert _record(session, now + timedelta(hours=1)) == 0  # a restart finds the notice and records nothing
    for message in _to_send(session, now):
        assert proactive.mark(message.id, "sent", session=session, now=now)

    # Two days on the second parcel has gone quiet too: its own notice, once.
    later = now + timedelta(days=2)
    _record(session, later)  # other demo orders are due by then as well
    assert _record(session, later + timedelta(hours=1)) == 0
    texts = sorted(row.text for row in _stale_notices(session))
    assert len(texts) == 2 and any(SECOND_WAYBILL in text and STALE_WAYBILL not in text for text in texts)
    assert [m.text for m in _to_send(session, later) if "43100000000" in m.text] == [
        t for t in texts if SECOND_WAYBILL in t
    ]


def test_a_queued_parcel_notice_is_skipped_once_that_parcel_moves(session: Session, demo: object) -> None:
    _link(session)
    parcel = _second_parcel(session, scanned_hours_ago=60)  # both parcels quiet
    now = utcnow()
    assert _record(session, now) == 2
    parcel.events.append(TrackingEvent(occurred_at=now, text="【上海市】派件中"))
    session.flush()
    outgoing = _to_send(session, now)
    assert [STALE_WAYBILL in m.text for m in outgoing] == [True]  # only the still-quiet parcel's notice


def test_a_merged_parcel_gets_one_notice_not_one_per_order(session: Session, demo: object) -> None:
    _link(session)
    first = session.get(Order, STALE_ORDER)
    joined = Order(id="5021873340016", buyer_id=first.buyer_id, status="shipped", created_at=first.created_at)
    joined.items = [
        OrderItem(product_code=first.items[0].product_code, color="白色", size="M", qty=1, price=79)
    ]
    parcel = first.shipment
    joined.shipments = [
        Shipment(courier=parcel.courier, tracking_no=STALE_WAYBILL, shipped_at=parcel.shipped_at)
    ]
    joined.shipments[0].events = [
        TrackingEvent(occurred_at=e.occurred_at, text=e.text) for e in parcel.events
    ]
    session.add(joined)
    session.flush()
    now = utcnow()
    assert _record(session, now) == 1
    assert _record(session, now + timedelta(hours=1)) == 0
    assert [STALE_WAYBILL in row.text for row in _stale_notices(session)] == [True]
    assert len(_to_send(session, now)) == 1
    assert session.scalar(select(ProactiveMessage.order_id)) == STALE_ORDER
