"""Order information only to the account that placed the order (policy.yml ``privacy``).

Another buyer's order must look exactly like an order that does not exist,
through every repository function that touches orders.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.models import Order, OrderItem, ReturnRequest
from shop.store.linking import buyer_for_chat, link_chat
from shop.store.orders import order_for_buyer, order_item_for_buyer, orders_for_buyer
from shop.store.returns import create_return_request

AHUA_ORDER = "5021873349001"
LINLIN_ORDERS = [f"502187334000{i}" for i in range(1, 8)]


def _nearby(order_id: str, spread: int = 30) -> list[str]:
    base = int(order_id)
    return [f"{n:013d}" for n in range(base - spread, base + spread + 1)]


def test_someone_elses_order_is_like_a_missing_one(demo_session: Session) -> None:
    assert order_for_buyer(AHUA_ORDER, "tb_ahua", session=demo_session) is not None
    assert order_for_buyer(AHUA_ORDER, "tb_linlin", session=demo_session) is None
    assert order_for_buyer(AHUA_ORDER, "tb_newbie", session=demo_session) is None
    assert order_for_buyer("5021873349999", "tb_linlin", session=demo_session) is None
    for order_id in LINLIN_ORDERS:
        assert order_for_buyer(order_id, "tb_ahua", session=demo_session) is None


@pytest.mark.parametrize("account", ["tb_newbie", "tb_ahua", "tb_linlin", "nobody"])
def test_guessing_nearby_ids_finds_only_own_orders(demo_session: Session, account: str) -> None:
    found = set()
    for order_id in _nearby("5021873340004") + _nearby(AHUA_ORDER):
        order = order_for_buyer(order_id, account, session=demo_session)
        if order is not None:
            assert order.buyer.account == account
            found.add(order.id)
    own = {o.id for o in orders_for_buyer(account, session=demo_session)}
    assert found == own


def test_order_lists_hold_only_own_orders(demo_session: Session) -> None:
    total = demo_session.scalar(select(func.count()).select_from(Order))
    seen = []
    for account in ("tb_linlin", "tb_ahua", "tb_newbie"):
        orders = orders_for_buyer(account, session=demo_session)
        assert all(o.buyer.account == account for o in orders)
        seen += [o.id for o in orders]
    assert len(seen) == len(set(seen)) == total


def test_items_of_other_buyers_cannot_be_read_or_returned(demo_session: Session) -> None:
    item_ids = demo_session.scalars(select(OrderItem.id).join(Order).where(Order.id == AHUA_ORDER)).all()
    missing = max(demo_session.scalars(select(OrderItem.id)).all()) + 1000
    for item_id in item_ids:
        assert order_item_for_buyer(item_id, "tb_linlin", session=demo_session) is None
        foreign = create_return_request(item_id, "tb_linlin", kind="return", reason="", session=demo_session)
        absent = create_return_request(missing, "tb_linlin", kind="return", reason="", session=demo_session)
        assert foreign is None and absent is None
    assert demo_session.scalar(select(func.count()).select_from(ReturnRequest)) == 0
    # The owner's request is not visible to anyone else either.
    created = create_return_request(item_ids[0], "tb_ahua", kind="exchange", reason="", session=demo_session)
    assert created is not None
    assert (
        create_return_request(item_ids[0], "tb_linlin", kind="return", reason="", session=demo_session)
        is None
    )


def test_linking_needs_the_owners_phone(demo_session: Session) -> None:
    # linlin knows ahua's order id but not ahua's phone digits.
    result = link_chat("telegram", "linlin-chat", AHUA_ORDER, "3821", session=demo_session)
    assert not result.linked and result.buyer_account is None
    assert buyer_for_chat("telegram", "linlin-chat", session=demo_session) is None
    # The answer for a real order is the same as for an order that does not exist.
    other = link_chat("telegram", "other-chat", "5021873349002", "3821", session=demo_session)
    assert other == result


def test_a_linked_chat_sees_only_its_buyer(demo_session: Session) -> None:
    link_chat("telegram", "ahua-chat", AHUA_ORDER, "5507", session=demo_session)
    buyer = buyer_for_chat("telegram", "ahua-chat", session=demo_session)
    assert buyer is not None and buyer.account == "tb_ahua"
    assert [o.id for o in orders_for_buyer(buyer.account, session=demo_session)] == [AHUA_ORDER]
