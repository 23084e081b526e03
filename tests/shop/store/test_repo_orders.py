"""shop.store.orders: a buyer's orders, only with the buyer's account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from shop.db.errors import InvalidOrderId
from shop.demo import DemoLoadResult
from shop.store.orders import order_for_buyer, order_item_for_buyer, orders_for_buyer

LINLIN_NEWEST_FIRST = [
    "5021873340001",  # created 1 h ago
    "5021873340002",  # paid 20 h ago
    "5021873340003",  # 3 days
    "5021873340007",  # 5 days
    "5021873340004",  # 6 days
    "5021873340006",  # 7 days
    "5021873340005",  # 14 days
]


def test_orders_most_recent_first(demo_session: Session) -> None:
    orders = orders_for_buyer("tb_linlin", session=demo_session)
    assert [o.id for o in orders] == LINLIN_NEWEST_FIRST
    assert all(o.buyer.account == "tb_linlin" for o in orders)
    assert [o.id for o in orders_for_buyer("tb_ahua", session=demo_session)] == ["5021873349001"]
    assert orders_for_buyer("tb_newbie", session=demo_session) == []


def test_limit(demo_session: Session) -> None:
    assert [
        o.id for o in orders_for_buyer("tb_linlin", session=demo_session, limit=2)
    ] == LINLIN_NEWEST_FIRST[:2]
    assert orders_for_buyer("tb_linlin", session=demo_session, limit=0) == []
    assert len(orders_for_buyer("tb_linlin", session=demo_session, limit=100)) == 7


def test_orders_are_loaded_for_use_after_the_session(demo_session: Session, demo: DemoLoadResult) -> None:
    orders = orders_for_buyer("tb_linlin", session=demo_session)
    demo_session.close()
    by_id = {o.id: o for o in orders}
    shipped = by_id["5021873340003"]
    assert shipped.items[0].product.name == "深蓝色直筒牛仔裤"
    assert shipped.items[0].return_request is None
    assert shipped.shipment is not None and shipped.shipment.courier == "中通快递"
    assert [e.text for e in shipped.shipment.events][-1].startswith("【上海市】派件中")
    assert shipped.shipment.last_event is shipped.shipment.events[-1]
    assert by_id["5021873340001"].shipment is None
    assert by_id["5021873340006"].items[0].qty == 2
    assert str(by_id["5021873340006"].items_total) == "158.00"
    assert abs(by_id["5021873340004"].shipment.signed_at - (demo.now - timedelta(days=3))) < timedelta(
        seconds=1
    )


def test_order_for_buyer(demo_session: Session) -> None:
    order = order_for_buyer("5021873340004", "tb_linlin", session=demo_session)
    assert order is not None and order.status == "delivered" and order.return_shipping_insurance
    assert order_for_buyer(" 5021873340004\n", "tb_linlin", session=demo_session) is order
    demo_session.close()
    assert order.items[0].product.code == "8951"
    assert [e.text for e in order.shipment.events][-1] == "【北京市】已签收，签收人：本人"


def test_order_that_does_not_exist(demo_session: Session) -> None:
    assert order_for_buyer("5021873340999", "tb_linlin", session=demo_session) is None


@pytest.mark.parametrize("bad", ["", "502187334000", "5021873340001150218733400", "5021873340-01", "abc"])
def test_malformed_order_id_raises(demo_session: Session, bad: str) -> None:
    with pytest.raises(InvalidOrderId):
        order_for_buyer(bad, "tb_linlin", session=demo_session)


def test_order_item_for_buyer(demo_session: Session) -> None:
    order = order_for_buyer("5021873349001", "tb_ahua", session=demo_session)
    item_id = order.items[0].id
    item = order_item_for_buyer(item_id, "tb_ahua", session=demo_session)
    assert item is not None and item.product.name == "酒红色真丝衬衫"
    assert order_item_for_buyer(item_id, "tb_linlin", session=demo_session) is None
    assert order_item_for_buyer(10**9, "tb_ahua", session=demo_session) is None
