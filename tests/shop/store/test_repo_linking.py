"""shop.store.linking: verified chat links, failed-attempt lock-out, revocation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.db.errors import InvalidInput, InvalidOrderId, LinkingLocked, UnknownBuyer
from shop.models import ChannelLink, LinkAttempt, utcnow
from shop.store.linking import (
    MAX_FAILURES,
    MAX_TARGET_FAILURES,
    buyer_for_chat,
    ensure_verified_link,
    link_chat,
    locked_until,
    revoke_link,
)

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

    # Another chat account can still link another buyer; Linlin is locked for everyone.
    assert link_chat("telegram", "8", AHUA_ORDER, AHUA_PHONE, session=demo_session, now=fifth_at).linked
    with pytest.raises(LinkingLocked):
        link_chat("telegram", "9", LINLIN_ORDER, LINLIN_PHONE, session=demo_session, now=fifth_at)

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


@pytest.mark.parametrize("order_id", ["", "123", "5021873340003150218733400", "5021873340003x"])
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


# --- the lock cannot be bypassed (issue 16 item 4) ---------------------------------

LINLIN_ORDERS = [f"502187334000{n}" for n in range(1, 8)]


def test_many_accounts_guessing_one_order_are_stopped(demo_session: Session) -> None:
    """10 chat accounts x 5 guesses each on one order: the order locks, for everyone."""
    start = utcnow()
    tried = failed = 0
    guesses = iter(f"{n:04d}" for n in range(10_000) if f"{n:04d}" != LINLIN_PHONE)
    for account in range(10):
        for guess in range(MAX_FAILURES):
            moment = start + timedelta(minutes=account, seconds=guess)
            tried += 1
            try:
                result = link_chat(
                    "telegram", f"bot{account}", LINLIN_ORDER, next(guesses), session=demo_session, now=moment
                )
            except LinkingLocked:
                continue
            failed += 1
            assert not result.linked
    assert tried == 50 and failed == MAX_TARGET_FAILURES
    # The lock is on the buyer: a fresh account with the right digits waits too.
    with pytest.raises(LinkingLocked) as locked:
        link_chat(
            "telegram",
            "fresh",
            LINLIN_ORDER,
            LINLIN_PHONE,
            session=demo_session,
            now=start + timedelta(minutes=11),
        )
    assert locked.value.until > start + timedelta(minutes=11)
    assert buyer_for_chat("telegram", "fresh", session=demo_session) is None


def test_rotating_the_buyers_orders_does_not_escape_the_buyer_lock(demo_session: Session) -> None:
    start = utcnow()
    for n, order in enumerate(LINLIN_ORDERS[:MAX_TARGET_FAILURES]):
        result = link_chat(
            "telegram", f"rot{n}", order, "0000", session=demo_session, now=start + timedelta(seconds=n)
        )
        assert not result.linked
    with pytest.raises(LinkingLocked):
        link_chat(
            "telegram",
            "rot9",
            LINLIN_ORDERS[-1],
            LINLIN_PHONE,
            session=demo_session,
            now=start + timedelta(minutes=1),
        )
    # Another buyer is not affected.
    assert link_chat(
        "telegram", "rot9", AHUA_ORDER, AHUA_PHONE, session=demo_session, now=start + timedelta(minutes=1)
    ).linked


def test_unknown_orders_lock_per_order_too(demo_session: Session) -> None:
    start = utcnow()
    unknown = "5021873340999"
    for n in range(MAX_TARGET_FAILURES):
        link_chat(
            "telegram", f"u{n}", unknown, "0000", session=demo_session, now=start + timedelta(seconds=n)
        )
    with pytest.raises(LinkingLocked):
        link_chat("telegram", "u9", unknown, "1234", session=demo_session, now=start + timedelta(minutes=1))


def test_own_success_does_not_reset_guesses_at_another_buyer(demo_session: Session) -> None:
    """One account alternates wrong digits for Linlin with its own correct link (as Ahua)."""
    start = utcnow()
    wrong = 0
    outcome = None
    for step in range(48):
        moment = start + timedelta(seconds=step)
        try:
            if step % 2:
                assert link_chat(
                    "telegram", "alt", AHUA_ORDER, AHUA_PHONE, session=demo_session, now=moment
                ).linked
            else:
                outcome = link_chat(
                    "telegram", "alt", LINLIN_ORDER, f"{step:04d}", session=demo_session, now=moment
                )
                wrong += 1
        except LinkingLocked:
            break
    assert wrong == MAX_FAILURES and outcome is not None and outcome.locked_until is not None
    assert buyer_for_chat("telegram", "alt", session=demo_session).account == "tb_ahua"


def test_a_success_forgives_only_that_accounts_typos_for_that_buyer(demo_session: Session) -> None:
    start = utcnow()
    # Someone else guessed at Linlin three times.
    for n in range(3):
        link_chat(
            "telegram",
            "stranger",
            LINLIN_ORDER,
            "0000",
            session=demo_session,
            now=start + timedelta(seconds=n),
        )
    # Linlin mistypes once, then links.
    link_chat(
        "telegram", "linlin", LINLIN_ORDER, "3812", session=demo_session, now=start + timedelta(minutes=1)
    )
    assert link_chat(
        "telegram",
        "linlin",
        LINLIN_ORDER,
        LINLIN_PHONE,
        session=demo_session,
        now=start + timedelta(minutes=2),
    ).linked
    # The stranger's guesses still count: one more from a new account and a fifth locks Linlin.
    link_chat(
        "telegram", "stranger2", LINLIN_ORDER, "1111", session=demo_session, now=start + timedelta(minutes=3)
    )
    last = link_chat(
        "telegram", "stranger3", LINLIN_ORDER, "2222", session=demo_session, now=start + timedelta(minutes=4)
    )
    assert last.locked_until is not None
    with pytest.raises(LinkingLocked):
        link_chat(
            "telegram",
            "stranger4",
            LINLIN_ORDER,
            "3333",
            session=demo_session,
            now=start + timedelta(minutes=5),
        )


def test_attempts_left_only_counts_the_chat_accounts_own_tries(demo_session: Session) -> None:
    """What a buyer is told must not reveal that others are guessing (or that the order exists)."""
    start = utcnow()
    for n in range(3):
        link_chat(
            "telegram", "other", LINLIN_ORDER, "0000", session=demo_session, now=start + timedelta(seconds=n)
        )
    mine = link_chat(
        "telegram", "me", LINLIN_ORDER, "1111", session=demo_session, now=start + timedelta(minutes=1)
    )
    unknown = link_chat(
        "telegram", "me2", "5021873340999", "1111", session=demo_session, now=start + timedelta(minutes=1)
    )
    assert mine == unknown and mine.attempts_left == MAX_FAILURES - 1


def test_a_second_chat_account_for_one_buyer_is_reported(demo_session: Session) -> None:
    first = link_chat("telegram", "phone1", LINLIN_ORDER, LINLIN_PHONE, session=demo_session)
    assert first.linked and first.other_links == 0
    again = link_chat("telegram", "phone1", LINLIN_ORDER, LINLIN_PHONE, session=demo_session)
    assert again.other_links == 0
    second = link_chat("telegram", "phone2", LINLIN_ORDERS[0], LINLIN_PHONE, session=demo_session)
    assert second.linked and second.other_links == 1
