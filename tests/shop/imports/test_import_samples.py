"""The sample exports (data/samples/) import into both databases with every fact a reply needs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.db.settings import shop_timezone
from shop.models import Buyer, Order, Product
from shop.store.catalogue import product_for_item_id
from tests.shop.imports.conftest import import_samples, snapshot, stock_of

SHANGHAI_8PM_UTC = datetime(2026, 12, 2, 12, 12, 40, tzinfo=UTC)  # 2026-12-02 20:12:40 in Shanghai


def test_products_keep_their_facts(samples, session: Session) -> None:
    coat = session.get(Product, "3101")
    assert coat is not None
    assert (coat.name, coat.price, coat.category) == ("青禾 双面羊绒大衣", Decimal("899.00"), "coat")
    assert coat.colors == ["燕麦色", "藏青"]
    assert coat.materials == {"cashmere": 60, "wool": 40}
    assert (coat.free_shipping, coat.no_reason_return) == (True, True)
    vest = session.get(Product, "3103")
    assert vest is not None and (vest.free_shipping, vest.no_reason_return) == (False, False)
    # A pasted link's id= finds the product.
    assert product_for_item_id("728800003102", session=session).code == "3102"


def test_size_chart_and_stock_with_restock_date(samples, session: Session) -> None:
    coat = session.get(Product, "3101")
    assert [(r.size, r.label, r.height_min, r.height_max, r.shoulder_max) for r in coat.size_chart] == [
        ("S", "155/80A", 150, 158, 39),
        ("M", "160/84A", 158, 165, 41),
        ("L", "165/88A", 164, 172, 43),
    ]
    assert coat.size_chart[0].weight_min == 42 and coat.size_chart[0].bust_max == 88
    sold_out = stock_of("3101", "燕麦色", "M", session=session)
    assert (sold_out.quantity, sold_out.restock_on) == (0, date(2026, 12, 20))
    today = datetime.now(shop_timezone()).date()
    assert sold_out.restock_days == max(0, (date(2026, 12, 20) - today).days)
    assert stock_of("3101", "藏青", "M", session=session).quantity == 7
    assert stock_of("3101", "藏青", "S", session=session).restock_days is None


def test_orders_items_parcels_and_events(samples, session: Session) -> None:
    order = session.get(Order, "7300451200011")
    assert order is not None and order.status == "shipped" and order.buyer.account == "qh_xiaomei"
    # Export times are Shanghai time; the shop stores UTC.
    assert order.paid_at == SHANGHAI_8PM_UTC
    assert order.return_shipping_insurance is True
    assert [(i.product_code, i.color, i.size, i.qty, i.price) for i in order.items] == [
        ("3101", "藏青", "M", 1, Decimal("899.00")),
        ("3103", "白色", "M", 2, Decimal("59.00")),
    ]
    assert (order.shipment.courier, order.shipment.tracking_no) == ("圆通速递", "YT8800000000011")
    assert order.shipment.last_event.text == "【上海市】已到达 上海转运中心"
    unpaid_parcel = session.get(Order, "7300451200022")
    assert unpaid_parcel.status == "paid" and unpaid_parcel.shipment is None
    assert unpaid_parcel.shipping_fee == Decimal("10.00")
    done = session.get(Order, "7300451200033")
    assert done.status == "delivered" and done.shipment.signed_at == datetime(
        2026, 11, 13, 10, 20, tzinfo=UTC
    )


def test_buyers_keep_only_the_phone_tail(samples, session: Session) -> None:
    buyers = {b.account: b for b in session.scalars(select(Buyer))}
    assert {a: (b.name, b.phone_last4) for a, b in buyers.items()} == {
        "qh_xiaomei": ("小梅", "2468"),
        "qh_dawei": ("大伟", "1357"),
    }
    assert buyers["qh_xiaomei"].first_order_at == SHANGHAI_8PM_UTC
    # Nothing else of a phone number is stored anywhere: no text holds it (an id or a time may read 139).
    rows = repr(
        [
            v
            for table in snapshot(session).values()
            for row in table
            for v in row
            if isinstance(v, str | list | dict)
        ]
    )
    assert "139" not in rows and "186" not in rows


def test_reimporting_the_same_files_changes_nothing(samples, session: Session) -> None:
    before = snapshot(session)
    again = import_samples(session)
    assert snapshot(session) == before
    assert all(r.created == r.updated == 0 and r.unchanged > 0 for r in again)
    assert all(r.applied and not r.problems for r in again)
