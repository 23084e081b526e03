"""A shop whose orders have Taobao/Tmall order ids (19 and 18 digits) beside the demo's 13-digit ones.

Buyers link and look up their orders by them; the policy check never shows one
buyer's long order id to another (nor to a guest) and never blocks the buyer's own.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.db.inputs import DEFAULT_ORDER_ID_LENGTHS
from shop.models import Buyer, Order, OrderItem, Shipment, utcnow
from shop.policy import check_text
from shop.store.linking import buyer_for_chat, link_chat
from shop.store.orders import order_for_buyer, order_id_lengths
from shop.store.policy_context import ShopWideCache, context_for_buyer

MEI_ORDER = "4027731846512093318"  # 19 digits
MEI_OLD_ORDER = "402773184651209331"  # 18 digits
MEI_WAYBILL = "773045128861934"  # a digit-only 申通 waybill (15 digits)
DAWEI_ORDER = "3962518804417726402"


def _order(session: Session, order_id: str, buyer: Buyer, waybill: str | None = None) -> None:
    session.add(Order(id=order_id, buyer=buyer, status="shipped" if waybill else "paid"))
    session.add(OrderItem(order_id=order_id, product_code="0201", color="红色", size="M", price=299))
    if waybill:
        session.add(Shipment(order_id=order_id, courier="申通快递", tracking_no=waybill, shipped_at=utcnow()))


@pytest.fixture
def long_ids(demo_session: Session) -> Session:
    """The demo shop plus two Taobao buyers with long order ids."""
    mei = Buyer(account="tb_mei", name="小美", phone_last4="2468")
    dawei = Buyer(account="tb_dawei", name="大伟", phone_last4="1357")
    demo_session.add_all([mei, dawei])
    demo_session.flush()
    _order(demo_session, MEI_ORDER, mei, MEI_WAYBILL)
    _order(demo_session, MEI_OLD_ORDER, mei)
    _order(demo_session, DAWEI_ORDER, dawei)
    demo_session.commit()
    return demo_session


def test_a_shop_without_orders_takes_the_usual_lengths(session: Session) -> None:
    assert order_id_lengths(session=session) == DEFAULT_ORDER_ID_LENGTHS


def test_the_shops_order_id_lengths(demo_session: Session) -> None:
    assert order_id_lengths(session=demo_session) == {13}
    mei = demo_session.scalar(select(Buyer).where(Buyer.account == "tb_linlin"))
    _order(demo_session, MEI_ORDER, mei)
    assert order_id_lengths(session=demo_session) == {13, 19}


def test_a_buyer_links_and_finds_her_order_by_its_19_digits(long_ids: Session) -> None:
    result = link_chat("telegram", "9001", f" {MEI_ORDER} ", "2468", session=long_ids)
    assert result.linked and result.buyer_account == "tb_mei"
    long_ids.commit()
    assert buyer_for_chat("telegram", "9001", session=long_ids).account == "tb_mei"
    assert order_for_buyer(MEI_ORDER, "tb_mei", session=long_ids).shipment.tracking_no == MEI_WAYBILL
    # Another buyer's long id is no order of hers, exactly like one that does not exist.
    assert order_for_buyer(DAWEI_ORDER, "tb_mei", session=long_ids) is None
    wrong = link_chat("telegram", "9002", DAWEI_ORDER, "2468", session=long_ids)
    assert (
        not wrong.linked
        and wrong.status
        == link_chat("telegram", "9003", "4027731846512093319", "2468", session=long_ids).status
    )


def test_the_policy_blocks_another_buyers_19_digit_order_id(long_ids: Session) -> None:
    mei = context_for_buyer("tb_mei", session=long_ids)
    assert mei.order_id_lengths == {13, 18, 19}
    assert check_text(f"亲，您的订单{MEI_ORDER}已发货，申通快递运单号{MEI_WAYBILL}～", context=mei) == []
    assert check_text(f"亲，订单 {MEI_OLD_ORDER} 还没发货哦", context=mei) == []
    for context in (
        mei,
        context_for_buyer(None, session=long_ids),
        context_for_buyer("tb_linlin", session=long_ids),
    ):
        (v,) = check_text(f"亲，订单{DAWEI_ORDER}已经签收了哦", context=context)
        assert v.code == "other_buyer_data" and v.span == DAWEI_ORDER
        # Spaced into groups, it is the same number.
        (v,) = check_text("亲，订单 3962 5188 0441 7726 402 已签收", context=context)
        assert v.code == "other_buyer_data" and v.span == "3962 5188 0441 7726 402"
    # An unknown long id is blocked too: it may be an order the shop has not imported yet.
    (v,) = check_text("亲，订单4027731846512099999已发货", context=mei)
    assert v.code == "other_buyer_data"
    # The demo's 13-digit ids are still order ids in this shop.
    (v,) = check_text("亲，订单5021873349001已发货", context=mei)
    assert v.span == "5021873349001"


def test_the_guest_and_linked_contexts_agree_through_the_cache(long_ids: Session) -> None:
    cache = ShopWideCache()
    for account in ("tb_mei", "tb_dawei", None):
        assert context_for_buyer(account, session=long_ids, shop_wide=cache) == context_for_buyer(
            account, session=long_ids
        )
