"""Which buyer a chat account is: verified links between chat accounts and buyers.

A chat account (channel + external user id) becomes a buyer by giving an order
id of theirs plus the last four digits of the phone number on it. Failed
attempts are counted three ways, each locking for an hour after five failures
within an hour: per chat account, per buyer account (guesses at any of the
buyer's orders, from any chat account) and per order id (so unknown orders
behave like real ones). A success forgives only the same chat account's earlier
failures against the same buyer (its own typos), never anything else, so
linking one's own account between guesses resets nothing. The result never
says whether the order id exists: a wrong phone and an unknown order fail the
same way, and ``attempts_left`` counts only the chat account's own tries.
Attempts and links are rows in the caller's transaction: commit after
:func:`link_chat` so failures count.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, text
from sqlalchemy.orm import Session, aliased, joinedload

from shop.db.engine import translate_db_errors
from shop.db.errors import InvalidInput, LinkingLocked, UnknownBuyer
from shop.db.inputs import lookup_key, normalise_order_id, require_key
from shop.models import Buyer, ChannelLink, LinkAttempt, Order, utcnow

MAX_FAILURES = 5
MAX_TARGET_FAILURES = 5
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
    # Other chat accounts already linked to the same buyer (the desk is told).
    other_links: int = 0

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


def _serialise(session: Session, *keys: str) -> None:
    # Concurrent attempts must not each see "4 failures so far" and all proceed.
    # PostgreSQL: transaction-scoped advisory locks (in a fixed order, so two
    # attempts never wait for each other crosswise). SQLite has a single writer.
    if session.get_bind().dialect.name == "postgresql":
        for key in sorted(keys):
            session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def _order_key(order_id: str) -> str:
    # A digest, not the id: what someone typed is not kept in clear.
    return hashlib.sha256(f"link-order:{order_id}".encode()).hexdigest()


def _failures(session: Session, where: ColumnElement[bool], now: datetime) -> list[datetime]:
    """Failed attempts matching ``where`` that can still matter, oldest first.

    A failure is forgiven by a later success of the same chat account for the
    same buyer: the owner's own typos. Nothing else forgives a failure.

    Every attempt already recorded counts, even one stamped after ``now``: a
    caller reads its clock before its attempt waits for the locks (`_serialise`),
    so an attempt that got the lock first may carry a later time than this one.
    Leaving it out let concurrent guesses on PostgreSQL slip one past the count.
    """
    success = aliased(LinkAttempt)
    forgiven = exists().where(
        success.channel == LinkAttempt.channel,
        success.external_id == LinkAttempt.external_id,
        success.succeeded,
        success.buyer_id == LinkAttempt.buyer_id,
        success.attempted_at >= LinkAttempt.attempted_at,
    )
    stmt = (
        select(LinkAttempt.attempted_at)
        .where(
            where,
            LinkAttempt.succeeded.is_(False),
            LinkAttempt.attempted_at > now - FAILURE_WINDOW - LOCK_DURATION,
            ~forgiven,
        )
        .order_by(LinkAttempt.attempted_at)
    )
    return list(session.scalars(stmt))


def _chat_failures(session: Session, channel: str, external_id: str, now: datetime) -> list[datetime]:
    where = and_(LinkAttempt.channel == channel, LinkAttempt.external_id == external_id)
    return _failures(session, where, now)


def _target_lock(session: Session, order_key: str, buyer_id: int | None, now: datetime) -> datetime | None:
    """End of the lock on this order id or on its buyer account, if one is on."""
    ends = [_lock_end(_failures(session, LinkAttempt.order_key == order_key, now), now, MAX_TARGET_FAILURES)]
    if buyer_id is not None:
        ends.append(
            _lock_end(_failures(session, LinkAttempt.buyer_id == buyer_id, now), now, MAX_TARGET_FAILURES)
        )
    return max((end for end in ends if end is not None), default=None)


def _lock_end(failures: list[datetime], now: datetime, limit: int = MAX_FAILURES) -> datetime | None:
    """End of the lock caused by any ``limit`` failures within FAILURE_WINDOW, if still on."""
    until: datetime | None = None
    for first, last in zip(failures, failures[limit - 1 :], strict=False):
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
    return _lock_end(_chat_failures(session, chan, ext, now), now)


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
    :class:`~shop.db.errors.InvalidOrderId` / :class:`InvalidInput` for malformed
    input (not counted as an attempt: a format is no secret).
    """
    now = now or utcnow()
    chan, ext = require_key(channel, "channel", 32), require_key(external_id, "external_id")
    _serialise(session, f"link:{chan}:{ext}")
    failures = _chat_failures(session, chan, ext, now)
    until = _lock_end(failures, now)
    if until is not None:
        raise LinkingLocked(until)
    order_id = normalise_order_id(order_id)
    digits = phone_last4.strip() if isinstance(phone_last4, str) else ""
    if not _PHONE_LAST4.fullmatch(digits):
        raise InvalidInput("phone_last4 must be four digits")

    order_key = _order_key(order_id)
    buyer = session.scalars(
        select(Buyer).join(Order, Order.buyer_id == Buyer.id).where(Order.id == order_id)
    ).one_or_none()
    buyer_id = buyer.id if buyer is not None else None
    _serialise(session, f"link-order:{order_key}", *([f"link-buyer:{buyer_id}"] if buyer_id else []))
    until = _target_lock(session, order_key, buyer_id, now)
    if until is not None:
        raise LinkingLocked(until)

    attempt = LinkAttempt(
        channel=chan, external_id=ext, attempted_at=now, order_key=order_key, buyer_id=buyer_id
    )
    # compare_digest: the answer time should not depend on how many digits match.
    if buyer is not None and hmac.compare_digest(buyer.phone_last4, digits):
        attempt.succeeded = True
        session.add(attempt)
        _replace_link(session, chan, ext, buyer, now)
        return LinkResult(
            linked=True,
            attempts_left=MAX_FAILURES,
            buyer_account=buyer.account,
            other_links=_other_links(session, buyer.id, chan, ext),
        )

    attempt.succeeded = False
    session.add(attempt)
    session.flush()
    failures = sorted([*failures, now])  # another chat worker's attempt may carry a later time
    in_window = [t for t in failures if t > now - FAILURE_WINDOW]
    target_until = _target_lock(session, order_key, buyer_id, now)
    chat_until = _lock_end(failures, now)
    return LinkResult(
        linked=False,
        attempts_left=max(0, MAX_FAILURES - len(in_window)),
        locked_until=max((t for t in (chat_until, target_until) if t is not None), default=None),
    )


def _other_links(session: Session, buyer_id: int, channel: str, external_id: str) -> int:
    """How many other chat accounts are actively linked to the buyer."""
    return (
        session.scalar(
            select(func.count())
            .select_from(ChannelLink)
            .where(
                ChannelLink.buyer_id == buyer_id,
                ChannelLink.revoked_at.is_(None),
                ~and_(ChannelLink.channel == channel, ChannelLink.external_id == external_id),
            )
        )
        or 0
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
    _serialise(session, f"link:{chan}:{ext}")
    return _replace_link(session, chan, ext, buyer, now or utcnow())
