"""shop.store.promotions: the newcomer coupon only for guests and buyers without orders."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from shop.store.promotions import is_newcomer, list_promotions, promotions_for_buyer


def _ids(promotions) -> list[str]:  # noqa: ANN001
    return [p.id for p in promotions]


def test_all_promotions_in_shop_order(demo_session: Session) -> None:
    assert _ids(list_promotions(session=demo_session)) == ["FULL199", "NEWCOMER5"]
    full = list_promotions(session=demo_session)[0]
    assert full.threshold == Decimal("199.00")


def test_guest_gets_everything(demo_session: Session) -> None:
    assert _ids(promotions_for_buyer(None, session=demo_session)) == ["FULL199", "NEWCOMER5"]


def test_buyer_without_orders_is_a_newcomer(demo_session: Session) -> None:
    assert is_newcomer("tb_newbie", session=demo_session)
    assert _ids(promotions_for_buyer("tb_newbie", session=demo_session)) == ["FULL199", "NEWCOMER5"]


def test_buyers_with_orders_get_no_newcomer_coupon(demo_session: Session) -> None:
    assert not is_newcomer("tb_linlin", session=demo_session)
    assert _ids(promotions_for_buyer("tb_linlin", session=demo_session)) == ["FULL199"]
    assert _ids(promotions_for_buyer("tb_ahua", session=demo_session)) == ["FULL199"]


def test_unknown_account_gets_no_newcomer_coupon(demo_session: Session) -> None:
    assert _ids(promotions_for_buyer("tb_nobody", session=demo_session)) == ["FULL199"]


def test_inactive_promotions_are_hidden(demo_session: Session) -> None:
    list_promotions(session=demo_session)[0].active = False
    demo_session.flush()
    assert _ids(promotions_for_buyer(None, session=demo_session)) == ["NEWCOMER5"]
