"""Hostile or broken input: typed errors or empty results, never a crash or an injection."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk import follow_ups
from desk import store as cs
from shop.db.errors import InvalidInput, InvalidOrderId, ShopError
from shop.models import Buyer, Order, Product
from shop.store.catalogue import get_product, size_chart, stock_levels
from shop.store.linking import buyer_for_chat, ensure_verified_link, link_chat, revoke_link
from shop.store.orders import order_for_buyer, order_item_for_buyer, orders_for_buyer
from shop.store.promotions import promotions_for_buyer
from shop.store.returns import create_return_request

LONG = "长" * 10_000
SQLISH = [
    "' OR '1'='1",
    "0201' OR '1'='1",
    "tb_linlin' --",
    '"; DROP TABLE orders; --',
    "1; DELETE FROM buyers",
    "%",
    "_",
    "\\",
]
WEIRD = ["", " ", "\x00", "a\x00b", LONG, "🧥", "ＳＱＬ", "\n\t", *SQLISH]
BAD_ORDER_IDS = [
    "",
    "502187334000",
    "5021873340001150218733400",  # 25 digits: longer than any platform's
    "5021873340001' OR '1'='1",
    "1; DROP TABLE orders;--",
    "５０２１８７３３４０００１",  # full-width digits: the NLU normalises these, the shop does not guess
    "5021873340001\x00",
    "\x00" * 13,
    "50218733400 1",
    "0x21873340001",
    LONG,
    None,
    5021873340001,
    [],
]


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Order, Buyer, Product))


@pytest.mark.parametrize("text", WEIRD, ids=range(len(WEIRD)))
def test_catalogue_with_weird_codes(demo_session: Session, text: str) -> None:
    before = _counts(demo_session)
    assert get_product(text, session=demo_session) is None
    assert size_chart(text, session=demo_session) == []
    assert stock_levels(text, session=demo_session) == []
    assert _counts(demo_session) == before


@pytest.mark.parametrize("account", WEIRD, ids=range(len(WEIRD)))
def test_buyer_scoped_functions_with_weird_accounts(demo_session: Session, account: str) -> None:
    before = _counts(demo_session)
    assert orders_for_buyer(account, session=demo_session) == []
    assert order_for_buyer("5021873340001", account, session=demo_session) is None
    assert order_item_for_buyer(1, account, session=demo_session) is None
    assert create_return_request(1, account, kind="return", reason=account, session=demo_session) is None
    assert [p.id for p in promotions_for_buyer(account, session=demo_session)] == ["FULL199"]
    assert buyer_for_chat("telegram", account, session=demo_session) is None
    assert buyer_for_chat(account, "1", session=demo_session) is None
    assert not revoke_link(account, account, session=demo_session)
    with pytest.raises(ShopError):
        ensure_verified_link("simulator", "x", account, session=demo_session)
    assert _counts(demo_session) == before


@pytest.mark.parametrize("order_id", BAD_ORDER_IDS, ids=range(len(BAD_ORDER_IDS)))
def test_malformed_order_ids(demo_session: Session, order_id: object) -> None:
    with pytest.raises(InvalidOrderId):
        order_for_buyer(order_id, "tb_linlin", session=demo_session)
    with pytest.raises(InvalidOrderId):
        link_chat("telegram", "1", order_id, "3821", session=demo_session)
    if order_id is not None:  # None means "no order" for a follow-up
        with pytest.raises(InvalidOrderId):
            follow_ups.ensure_follow_up(reason="x", order_id=order_id, session=demo_session)


@pytest.mark.parametrize("item_id", [0, -1, 2**31, 2**63, 10**30, "1", 1.0, True, None])
def test_malformed_item_ids(demo_session: Session, item_id: object) -> None:
    assert create_return_request(item_id, "tb_linlin", kind="return", reason="", session=demo_session) is None
    assert order_item_for_buyer(item_id, "tb_linlin", session=demo_session) is None


def test_long_and_hostile_text_is_stored_as_text(demo_session: Session) -> None:
    item_id = order_for_buyer("5021873340004", "tb_linlin", session=demo_session).items[0].id
    reason = "'); DROP TABLE return_requests; --\x00" + LONG
    request = create_return_request(item_id, "tb_linlin", kind="return", reason=reason, session=demo_session)
    demo_session.commit()
    demo_session.expire_all()
    assert request.reason == reason.replace("\x00", "")

    inbound, created = cs.record_inbound(
        channel="telegram", update_key="1", chat_id=1, user_id=1, text=reason, session=demo_session
    )
    assert created and inbound.text == reason.replace("\x00", "")
    conv = cs.ensure_conversation("telegram", 1, 1, session=demo_session)
    draft = cs.record_draft(
        conversation_id=conv.id,
        inbound_id=inbound.id,
        texts=[reason],
        meta={"q": reason},
        session=demo_session,
    )
    demo_session.commit()
    demo_session.expire_all()
    assert draft.texts == [reason.replace("\x00", "")] and draft.meta == {"q": reason}


@pytest.mark.parametrize("key", ["", "x" * 10_000, "\x00", None, 1.5])
def test_channel_ids_that_cannot_be_stored(demo_session: Session, key: object) -> None:
    with pytest.raises(InvalidInput):
        cs.record_inbound(channel="telegram", update_key="1", chat_id=key, user_id=1, session=demo_session)
    with pytest.raises(InvalidInput):
        cs.ensure_conversation("telegram", key, 1, session=demo_session)
    with pytest.raises(InvalidInput):
        link_chat("telegram", key, "5021873340003", "3821", session=demo_session)
    with pytest.raises(InvalidInput):
        ensure_verified_link(key, "x", "tb_linlin", session=demo_session)
    with pytest.raises(InvalidInput):
        link_chat("telegram", "1", "5021873340003", key, session=demo_session)


def test_tables_survive(demo_session: Session) -> None:
    for text in SQLISH:
        orders_for_buyer(text, session=demo_session)
        get_product(text, session=demo_session)
    assert _counts(demo_session) == (8, 3, 10)


def test_channel_names_longer_than_the_column(demo_session: Session) -> None:
    channel = "c" * 40  # fits a lookup key, not the 32-character channel column
    with pytest.raises(InvalidInput):
        link_chat(channel, "1", "5021873340003", "3821", session=demo_session)
    with pytest.raises(InvalidInput):
        ensure_verified_link(channel, "1", "tb_linlin", session=demo_session)
    with pytest.raises(InvalidInput):
        cs.record_inbound(channel=channel, update_key="1", chat_id=1, user_id=1, session=demo_session)
    assert buyer_for_chat(channel, "1", session=demo_session) is None
