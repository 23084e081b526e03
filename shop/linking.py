"""Which buyer a chat account is: verified links between chat accounts and buyers.

A chat account (channel + external user id) becomes a buyer by giving an order
id of theirs plus the last four digits of the phone number on it. Five failed
attempts within an hour lock linking for that chat account for an hour. The
result never says whether the order id exists: a wrong phone and an unknown
order fail the same way. Attempts and links are rows in the caller's
transaction: commit after :func:`link_chat` so failures count.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session, joinedload

from shop.db import translate_db_errors
from shop.errors import InvalidInput, LinkingLocked, UnknownBuyer
from shop.inputs import lookup_key, normalise_order_id, require_key
from shop.models import Buyer, ChannelLink, LinkAttempt, Order, utcnow

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
LOCK_DURATION = timedelta(hours=1)
_PHONE_LAST4 = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class LinkResult:
    """Outcome of :func:`link_chat`; ``buyer_account`` only when linked."""

    linked: bool
    attempts_left: int
    buyer_account: str | None = None
    locked_until: datetime | None = None

    @property
    def status(self) -> str:
        return "linked" if self.linked else "failed"


def _find_key(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return lookup_key(value)


def _active_link_stmt(channel: str, external_id: str) -> Select[tuple[ChannelLink]]:
    return select(ChannelLink).where(
        ChannelLink.channel == channel,
        ChannelLink.external_id == external_id,
        ChannelLink.revoked_at.is_(None),
    )


@translate_db_errors
def active_link(channel: str, external_id: str | int, *, session: Session) -> ChannelLink | None:
    """The chat account's active verified link (buyer loaded), or ``None``."""
    chan, ext = _find_key(channel), _find_key(external_id)
    if chan is None or ext is None:
        return None
    stmt = _active_link_stmt(chan, ext).options(joinedload(ChannelLink.buyer))
    return session.scalars(stmt).one_or_none()


@translate_db_errors
def buyer_for_chat(channel: str, external_id: str | int, *, session: Session) -> Buyer | None:
    """The buyer this chat account is verified as, or ``None`` (a guest)."""
    link = active_link(channel, external_id, session=session)
    return None if link is None else link.buyer


def _serialise_chat(session: Session, channel: str, external_id: str) -> None:
    # Concurrent attempts for one chat account must not each see "4 failures so
    # far" and all proceed. PostgreSQL: a transaction-scoped advisory lock per
    # chat account. SQLite has a single writer and the gateway handles one
    # chat's updates in order, so there it is not needed.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"link:{channel}:{external_id}"},
        )


def _recent_failures(session: Session, channel: str, external_id: str, now: datetime) -> list[datetime]:
    """Failed attempts that can still matter (since the last success), oldest first."""
    last_success = session.scalar(
        select(func.max(LinkAttempt.attempted_at)).where(
            LinkAttempt.channel == channel,
            LinkAttempt.external_id == external_id,
            LinkAttempt.succeeded,
        )
    )
    since = now - FAILURE_WINDOW - LOCK_DURATION
    if last_success is not None and last_success > since:
        since = last_success
    stmt = (
        select(LinkAttempt.attempted_at)
        .where(
            LinkAttempt.channel == channel,
            LinkAttempt.external_id == external_id,
            LinkAttempt.succeeded.is_(False),
            LinkAttempt.attempted_at > since,
            LinkAttempt.attempted_at <= now,
        )
        .order_by(LinkAttempt.attempted_at)
    )
    return list(session.scalars(stmt))


def _lock_end(failures: list[datetime], now: datetime) -> datetime | None:
    """End of the lock caused by any MAX_FAILURES failures within FAILURE_WINDOW, if still on."""
    until: datetime | None = None
    for first, last in zip(failures, failures[MAX_FAILURES - 1 :], strict=False):
        if last - first <= FAILURE_WINDOW:
            candidate = last + LOCK_DURATION
            until = candidate if until is None or candidate > until else until
    return until if until is not None and until > now else None


@translate_db_errors
def locked_until(
    channel: str, external_id: str | int, *, session: Session, now: datetime | None = None
) -> datetime | None:
    """When linking unlocks for this chat account, or ``None`` if it is not locked."""
    chan, ext = _find_key(channel), _find_key(external_id)
    if chan is None or ext is None:
        return None
    now = now or utcnow()
    return _lock_end(_recent_failures(session, chan, ext, now), now)


def _replace_link(
    session: Session, channel: str, external_id: str, buyer: Buyer, now: datetime
) -> ChannelLink:
    current = session.scalars(_active_link_stmt(channel, external_id)).one_or_none()
    if current is not None:
        if current.buyer_id == buyer.id:
            return current
        current.revoked_at = now
        # The partial unique index allows one active link: revoke before insert.
        session.flush()
    link = ChannelLink(channel=channel, external_id=external_id, buyer=buyer, verified_at=now)
    session.add(link)
    session.flush()
    return link


@translate_db_errors
def link_chat(
    channel: str,
    external_id: str | int,
    order_id: str,
    phone_last4: str,
    *,
    session: Session,
    now: datetime | None = None,
) -> LinkResult:
    """Verify the chat account as the buyer of ``order_id`` using the phone's last 4 digits.

    Raises :class:`LinkingLocked` while locked (before looking at the order),
    :class:`~shop.errors.InvalidOrderId` / :class:`InvalidInput` for malformed
    input (not counted as an attempt: a format is no secret).
    """
    now = now or utcnow()
    chan, ext = require_key(channel, "channel", 32), require_key(external_id, "external_id")
    _serialise_chat(session, chan, ext)
    failures = _recent_failures(session, chan, ext, now)
    until = _lock_end(failures, now)
    if until is not None:
        raise LinkingLocked(until)
    order_id = normalise_order_id(order_id)
    digits = phone_last4.strip() if isinstance(phone_last4, str) else ""
    if not _PHONE_LAST4.fullmatch(digits):
        raise InvalidInput("phone_last4 must be four digits")

    buyer = session.scalars(
        select(Buyer).join(Order, Order.buyer_id == Buyer.id).where(Order.id == order_id)
    ).one_or_none()
    # compare_digest: the answer time should not depend on how many digits match.
    if buyer is not None and hmac.compare_digest(buyer.phone_last4, digits):
        session.add(LinkAttempt(channel=chan, external_id=ext, succeeded=True, attempted_at=now))
        _replace_link(session, chan, ext, buyer, now)
        return LinkResult(linked=True, attempts_left=MAX_FAILURES, buyer_account=buyer.account)

    session.add(LinkAttempt(channel=chan, external_id=ext, succeeded=False, attempted_at=now))
    session.flush()
    failures.append(now)
    in_window = [t for t in failures if t > now - FAILURE_WINDOW]
    return LinkResult(
        linked=False,
        attempts_left=max(0, MAX_FAILURES - len(in_window)),
        locked_until=_lock_end(failures, now),
    )


@translate_db_errors
def revoke_link(
    channel: str, external_id: str | int, *, session: Session, now: datetime | None = None
) -> bool:
    """Revoke the chat account's active link; ``False`` if it had none."""
    chan, ext = _find_key(channel), _find_key(external_id)
    if chan is None or ext is None:
        return False
    link = session.scalars(_active_link_stmt(chan, ext)).one_or_none()
    if link is None:
        return False
    link.revoked_at = now or utcnow()
    session.flush()
    return True


@translate_db_errors
def ensure_verified_link(
    channel: str,
    external_id: str | int,
    buyer_account: str,
    *,
    session: Session,
    now: datetime | None = None,
) -> ChannelLink:
    """Make the chat account verified as ``buyer_account`` (the demo simulator's shortcut).

    Raises :class:`UnknownBuyer` when the account does not exist.
    """
    chan, ext = require_key(channel, "channel", 32), require_key(external_id, "external_id")
    account = lookup_key(buyer_account)
    buyer = None
    if account is not None:
        buyer = session.scalars(select(Buyer).where(Buyer.account == account)).one_or_none()
    if buyer is None:
        raise UnknownBuyer("no such buyer account")
    _serialise_chat(session, chan, ext)
    return _replace_link(session, chan, ext, buyer, now or utcnow())
