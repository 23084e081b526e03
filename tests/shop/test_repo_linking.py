"""shop.linking: verified chat links, failed-attempt lock-out, revocation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.errors import InvalidInput, InvalidOrderId, LinkingLocked, UnknownBuyer
from shop.linking import (
    MAX_FAILURES,
    buyer_for_chat,
    ensure_verified_link,
    link_chat,
    locked_until,
    revoke_link,
)
from shop.models import ChannelLink, LinkAttempt, utcnow

LINLIN_ORDER, LINLIN_PHONE = "5021873340003", "3821"
AHUA_ORDER, AHUA_PHONE = "5021873349001", "5507"


def _fail(session: Session, external_id: str, now: datetime):  # noqa: ANN202
    return link_chat("telegram", external_id, LINLIN_ORDER, "0000", session=session, now=now)


def test_link_with_order_and_phone(demo_session: Session) -> None:
    assert buyer_for_chat("telegram", "1001", session=demo_session) is None
    result = link_chat("telegram", "1001", LINLIN_ORDER, LINLIN_PHONE, session=demo_session)
    assert result.linked and result.status == "linked" and result.buyer_account == "tb_linlin"
    demo_session.commit()
    buyer = buyer_for_chat("telegram", "1001", session=demo_session)
    assert buyer is not None and buyer.account == "tb_linlin"
    # Telegram ids arrive as ints: the same chat account.
    assert buyer_for_chat("telegram", 1001, session=demo_session).account == "tb_linlin"
    assert buyer_for_chat("simulator", "1001", session=demo_session) is None


def test_whitespace_around_input_is_ignored(demo_session: Session) -> None:
    result = link_chat("telegram", 42, f" {AHUA_ORDER} ", f" {AHUA_PHONE}\n", session=demo_session)
    assert result.linked and result.buyer_account == "tb_ahua"


def test_wrong_phone_fails_and_counts_down(demo_session: Session) -> None:
    now = utcnow()
    lefts = [_fail(demo_session, "7", now + timedelta(minutes=i)).attempts_left for i in range(4)]
    assert lefts == [4, 3, 2, 1]
    assert buyer_for_chat("telegram", "7", session=demo_session) is None


def test_five_failures_lock_for_an_hour(demo_session: Session) -> None:
    start = utcnow()
    for i in range(MAX_FAILURES - 1):
        assert not _fail(demo_session, "7", start + timedelta(minutes=i)).linked
    fifth_at = start + timedelta(minutes=10)
    fifth = _fail(demo_session, "7", fifth_at)
    assert (fifth.linked, fifth.attempts_left) == (False, 0)
    assert fifth.locked_until == fifth_at + timedelta(hours=1)
    demo_session.commit()

    # Locked even with the right answer, until an hour after the fifth failure.
    for moment in (fifth_at + timedelta(seconds=1), fifth_at + timedelta(minutes=59, seconds=59)):
        with pytest.raises(LinkingLocked) as locked:
            link_chat("telegram", "7", LINLIN_ORDER, LINLIN_PHONE, session=demo_session, now=moment)
        assert locked.value.until == fifth_at + timedelta(hours=1)
    assert locked_until("telegram", "7", session=demo_session, now=fifth_at) == fifth_at + timedelta(hours=1)
    # Refused attempts are not recorded, so they cannot extend the lock.
    attempts = demo_session.scalar(select(func.count()).select_from(LinkAttempt))
    assert attempts == MAX_FAILURES

    # Another chat account is not affected.
    assert link_chat("telegram", "8", LINLIN_ORDER, LINLIN_PHONE, session=demo_session, now=fifth_at).linked

    after = fifth_at + timedelta(hours=1, seconds=1)
    assert locked_until("telegram", "7", session=demo_session, now=after) is None
    result = link_chat("telegram", "7", LINLIN_ORDER, LINLIN_PHONE, session=demo_session, now=after)
    assert result.linked


def test_after_unlock_a_new_failure_starts_a_new_count(demo_session: Session) -> None:
    start = utcnow()
    for i in range(MAX_FAILURES):
        _fail(demo_session, "7", start + timedelta(minutes=i))
    after = start + timedelta(minutes=4, hours=1, seconds=1)
    assert _fail(demo_session, "7", after).attempts_left == MAX_FAILURES - 1


def test_failures_spread_over_more_than_an_hour_do_not_lock(demo_session: Session) -> None:
    start = utcnow()
    minutes = [0, 20, 40, 61, 62]
    results = [_fail(demo_session, "9", start + timedelta(minutes=m)) for m in minutes]
    assert results[-1].locked_until is None
    assert results[-1].attempts_left == 1  # 20, 40, 61 and 62 are within the last hour
    assert locked_until("telegram", "9", session=demo_session, now=start + timedelta(minutes=62)) is None


def test_success_clears_earlier_failures(demo_session: Session) -> None:
    start = utcnow()
    for i in range(MAX_FAILURES - 1):
        _fail(demo_session, "5", start + timedelta(minutes=i))
    ok = link_chat(
        "telegram", "5", LINLIN_ORDER, LINLIN_PHONE, session=demo_session, now=start + timedelta(minutes=5)
    )
    assert ok.linked
    assert _fail(demo_session, "5", start + timedelta(minutes=6)).attempts_left == MAX_FAILURES - 1


def test_unknown_order_and_wrong_phone_look_the_same(demo_session: Session) -> None:
    now = utcnow()
    wrong_phone = link_chat("telegram", "a", LINLIN_ORDER, "1111", session=demo_session, now=now)
    no_order = link_chat("telegram", "b", "5021873340999", "1111", session=demo_session, now=now)
    other_buyers_phone = link_chat("telegram", "c", LINLIN_ORDER, AHUA_PHONE, session=demo_session, now=now)
    assert wrong_phone == no_order == other_buyers_phone
    assert not wrong_phone.linked and wrong_phone.buyer_account is None


@pytest.mark.parametrize("order_id", ["", "123", "50218733400031", "5021873340003x"])
def test_malformed_order_id_is_not_counted(demo_session: Session, order_id: str) -> None:
    with pytest.raises(InvalidOrderId):
        link_chat("telegram", "m", order_id, LINLIN_PHONE, session=demo_session)
    assert demo_session.scalar(select(func.count()).select_from(LinkAttempt)) == 0


@pytest.mark.parametrize("phone", ["", "382", "38210", "abcd", "3821' OR '1'='1"])
def test_malformed_phone_digits(demo_session: Session, phone: str) -> None:
    with pytest.raises(InvalidInput):
        link_chat("telegram", "m", LINLIN_ORDER, phone, session=demo_session)


def test_relinking_replaces_the_link_and_keeps_history(demo_session: Session) -> None:
    assert link_chat("telegram", "r", LINLIN_ORDER, LINLIN_PHONE, session=demo_session).linked
    assert link_chat("telegram", "r", LINLIN_ORDER, LINLIN_PHONE, session=demo_session).linked
    assert link_chat("telegram", "r", AHUA_ORDER, AHUA_PHONE, session=demo_session).linked
    demo_session.commit()
    assert buyer_for_chat("telegram", "r", session=demo_session).account == "tb_ahua"
    links = demo_session.scalars(select(ChannelLink).order_by(ChannelLink.id)).all()
    assert [(link.buyer.account, link.revoked_at is None) for link in links] == [
        ("tb_linlin", False),
        ("tb_ahua", True),
    ]


def test_revoke_link(demo_session: Session) -> None:
    link_chat("telegram", "x", LINLIN_ORDER, LINLIN_PHONE, session=demo_session)
    assert revoke_link("telegram", "x", session=demo_session)
    assert buyer_for_chat("telegram", "x", session=demo_session) is None
    assert not revoke_link("telegram", "x", session=demo_session)
    assert not revoke_link("telegram", "never", session=demo_session)


def test_ensure_verified_link(demo_session: Session) -> None:
    first = ensure_verified_link("simulator", "tb_linlin", "tb_linlin", session=demo_session)
    again = ensure_verified_link("simulator", "tb_linlin", "tb_linlin", session=demo_session)
    assert first.id == again.id and first.verified_at is not None
    demo_session.commit()
    assert buyer_for_chat("simulator", "tb_linlin", session=demo_session).account == "tb_linlin"
    switched = ensure_verified_link("simulator", "tb_linlin", "tb_newbie", session=demo_session)
    assert switched.id != first.id
    assert buyer_for_chat("simulator", "tb_linlin", session=demo_session).account == "tb_newbie"


@pytest.mark.parametrize("account", ["tb_nobody", "", "x" * 10_000, "tb_linlin' OR '1'='1"])
def test_ensure_verified_link_unknown_account(demo_session: Session, account: str) -> None:
    with pytest.raises(UnknownBuyer):
        ensure_verified_link("simulator", "someone", account, session=demo_session)
