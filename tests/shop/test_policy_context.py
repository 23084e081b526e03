"""context_for_buyer: what a reply to one buyer may mention, read from the demo DB."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shop.policy import Promotion, check_text
from shop.policy_context import allowed_promotions, context_for_buyer

LINLIN_ORDERS = {f"502187334000{n}" for n in range(1, 8)}


def test_promotions_are_the_offered_ones(demo_session: Session) -> None:
    assert set(allowed_promotions(session=demo_session)) == {Promotion(199.0, 20.0), Promotion(None, 5.0)}


def test_linlin_sees_her_orders_and_not_the_others(demo_session: Session) -> None:
    ctx = context_for_buyer("tb_linlin", session=demo_session)
    assert ctx.own_order_ids == LINLIN_ORDERS
    assert ctx.own_phone_last4 == "3821"
    assert ctx.known_foreign_phone_last4 == {"5507", "1190"}
    assert check_text("亲，您的订单5021873340003已发货，全店满199减20哦", context=ctx) == []
    (v,) = check_text("亲，订单5021873349001已发货", context=ctx)
    assert v.code == "other_buyer_data" and v.span == "5021873349001"


def test_guest_owns_nothing(demo_session: Session) -> None:
    ctx = context_for_buyer(None, session=demo_session)
    assert ctx.own_order_ids == frozenset() and ctx.own_phone_last4 is None
    assert ctx.known_foreign_phone_last4 == {"3821", "5507", "1190"}
    assert ctx.allowed_promotions
    assert context_for_buyer("tb_nobody", session=demo_session) == ctx
