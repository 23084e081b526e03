"""context_for_buyer: what a reply to one buyer may mention, read from the demo DB, and its cache."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.models import Buyer
from shop.models import Promotion as PromotionRow
from shop.policy import Promotion, check_text
from shop.store.policy_context import ShopWideCache, allowed_promotions, context_for, context_for_buyer

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


def test_a_loaded_buyer_gets_the_same_context_as_its_account(demo_session: Session) -> None:
    """The gateway passes the buyer it already looked up for the chat."""
    for buyer in demo_session.scalars(select(Buyer)):
        assert context_for(buyer, session=demo_session) == context_for_buyer(
            buyer.account, session=demo_session
        )
    assert context_for(None, session=demo_session) == context_for_buyer(None, session=demo_session)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _add_buyer(session: Session, account: str, tail: str) -> None:
    session.add(Buyer(account=account, name="新买家", phone_last4=tail))
    session.commit()


def test_cached_context_is_the_same_as_a_fresh_one(demo_session: Session) -> None:
    cache = ShopWideCache()
    for account in ("tb_linlin", None, "tb_nobody"):
        assert context_for_buyer(account, session=demo_session, shop_wide=cache) == context_for_buyer(
            account, session=demo_session
        )


def test_shop_wide_parts_are_read_again_after_max_age(demo_session: Session) -> None:
    clock = FakeClock()
    cache = ShopWideCache(max_age_s=30, clock=clock)
    context_for_buyer("tb_linlin", session=demo_session, shop_wide=cache)
    _add_buyer(demo_session, "tb_new", "4242")
    promo = demo_session.scalars(select(PromotionRow).where(PromotionRow.active.is_(True))).first()
    assert promo is not None
    promo.active = False
    demo_session.commit()

    clock.now += 29
    cached = context_for_buyer("tb_linlin", session=demo_session, shop_wide=cache)
    assert "4242" not in cached.known_foreign_phone_last4
    assert len(cached.allowed_promotions) == 2

    clock.now += 2
    fresh = context_for_buyer("tb_linlin", session=demo_session, shop_wide=cache)
    assert "4242" in fresh.known_foreign_phone_last4
    assert len(fresh.allowed_promotions) == 1
    assert fresh == context_for_buyer("tb_linlin", session=demo_session)


def test_the_buyers_own_data_is_never_cached(demo_session: Session) -> None:
    cache = ShopWideCache(max_age_s=3600)
    assert context_for_buyer("tb_new", session=demo_session, shop_wide=cache).own_phone_last4 is None
    _add_buyer(demo_session, "tb_new", "4242")
    ctx = context_for_buyer("tb_new", session=demo_session, shop_wide=cache)
    # Her own tail is hers at once, even though the cached tail list predates her.
    assert ctx.own_phone_last4 == "4242"
    assert "4242" not in ctx.known_foreign_phone_last4
    assert ctx.known_foreign_phone_last4 == {"3821", "5507", "1190"}


SF_REPLY = "亲，您的包裹已由顺丰速运发出，运单号SF1000000009001，一般3-4天送达哦～"


def test_the_buyers_own_sf_tracking_number_may_be_sent(demo_session: Session) -> None:
    """Issue 16: SF + 13 digits was taken for another buyer's order id and blocked."""
    ahua = context_for_buyer("tb_ahua", session=demo_session)
    assert check_text(SF_REPLY, context=ahua) == []
    assert check_text("亲，单号 sf 10000 00009 001 的包裹在派送中", context=ahua) == []


def test_another_buyers_tracking_number_is_blocked(demo_session: Session) -> None:
    for account in ("tb_linlin", None):  # another buyer, a guest
        context = context_for_buyer(account, session=demo_session)
        (v,) = check_text(SF_REPLY, context=context)
        assert v.code == "other_buyer_data" and v.span == "SF1000000009001"
        assert "运单号「SF1000000009001」" in v.reason
    linlin = context_for_buyer("tb_linlin", session=demo_session)
    (v,) = check_text("亲，单号 sf 10000 00009 001 的包裹在派送中", context=linlin)
    assert v.code == "other_buyer_data" and v.span == "sf 10000 00009 001"
    assert check_text("亲，您的运单号75300000000031，正在派送中", context=linlin) == []


def test_a_tracking_number_the_shop_does_not_know_is_not_an_order_id(demo_session: Session) -> None:
    """The buyer's own return parcel: the shop has not seen its number yet."""
    linlin = context_for_buyer("tb_linlin", session=demo_session)
    assert (
        check_text("亲，您寄回的退货单号YT9876543210123我们已经看到了，到仓后为您处理", context=linlin) == []
    )
