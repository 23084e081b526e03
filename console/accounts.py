"""Console accounts: argon2 password hashes, roles, and the sign-in check with its throttle.

A sign-in is refused without checking the password once the username had
`failures` failures within the window, or the address it comes from had
`address_failures` (the
failures are audit rows, so every console process sees the same count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from console import audit
from shop.db.errors import InvalidInput
from shop.models.base import utcnow
from shop.models.console import CONSOLE_ROLES, ConsoleAccount

_hasher = PasswordHasher()
MIN_PASSWORD = 10
# What each role may open: a supervisor is an agent who may also override the policy check.
ROLE_AREAS: dict[str, frozenset[str]] = {
    "agent": frozenset({"agent"}),
    "supervisor": frozenset({"agent", "supervisor"}),
    "trainer": frozenset({"trainer"}),
    "owner": frozenset({"owner"}),
}


@dataclass(frozen=True)
class Person:
    """Who is signed in, as the pages need it (no hash)."""

    id: int
    username: str
    display_name: str
    role: str

    def may(self, area: str) -> bool:
        return area in ROLE_AREAS.get(self.role, frozenset())

    @property
    def desk_id(self) -> str:
        # How the desk's records name a web agent (Telegram agents are numeric ids).
        return f"web:{self.username}"


def _person(row: ConsoleAccount) -> Person:
    return Person(row.id, row.username, row.display_name, row.role)


def clean_username(raw: str) -> str:
    name = (raw or "").strip().lower()
    if not (2 <= len(name) <= 64) or not all(c.isascii() and (c.isalnum() or c in "._-") for c in name):
        raise InvalidInput("username")
    return name


def create(
    username: str,
    password: str,
    role: str,
    *,
    display_name: str | None = None,
    created_by: str | None = None,
    session: Session,
    now: datetime | None = None,
) -> Person:
    """A new account; InvalidInput("username" | "password" | "role" | "taken") says what is wrong."""
    name = clean_username(username)
    if role not in CONSOLE_ROLES:
        raise InvalidInput("role")
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput("password")
    if session.scalars(select(ConsoleAccount).where(ConsoleAccount.username == name)).first():
        raise InvalidInput("taken")
    row = ConsoleAccount(
        username=name,
        display_name=(display_name or name).strip()[:64] or name,
        password_hash=_hasher.hash(password),
        role=role,
        active=True,
        created_at=now or utcnow(),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return _person(row)


def get(account_id: int, *, session: Session) -> Person | None:
    """The active account with this id (None: gone or deactivated, so its session ends)."""
    row = session.get(ConsoleAccount, account_id)
    return _person(row) if row is not None and row.active else None


def all_accounts(*, session: Session) -> list[ConsoleAccount]:
    return list(session.scalars(select(ConsoleAccount).order_by(ConsoleAccount.username)))


def set_active(account_id: int, active: bool, *, session: Session) -> bool:
    row = session.get(ConsoleAccount, account_id)
    if row is None:
        return False
    row.active = active
    session.flush()
    return True


def any_owner(*, session: Session) -> bool:
    return (
        session.scalars(select(ConsoleAccount.id).where(ConsoleAccount.role == "owner")).first() is not None
    )


@dataclass(frozen=True)
class SignIn:
    person: Person | None
    throttled: bool = False


def sign_in(
    username: str,
    password: str,
    *,
    address: str,
    failures: int,
    address_failures: int,
    window_s: int,
    session: Session,
    now: datetime | None = None,
) -> SignIn:
    """Check a sign-in; records it (or the failure) in the audit trail."""
    now = now or utcnow()
    name = (username or "").strip().lower()[:64]
    since = audit.window_start(now, window_s)
    if (
        audit.count_since("signin_failed", f"user:{name}", since, session=session) >= failures
        or audit.count_since("signin_failed", f"addr:{address}", since, session=session) >= address_failures
    ):
        audit.record(name or "-", "signin_throttled", f"user:{name}", session=session, now=now)
        return SignIn(None, throttled=True)
    row = session.scalars(select(ConsoleAccount).where(ConsoleAccount.username == name)).first()
    ok = False
    if row is not None and row.active:
        try:
            ok = _hasher.verify(row.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password or "")  # the same work for an unknown name: no timing hint
    if not ok or row is None:
        # Two rows: one counted per username, one per address.
        audit.record(name or "-", "signin_failed", f"user:{name}", session=session, now=now)
        audit.record(name or "-", "signin_failed", f"addr:{address}", session=session, now=now)
        return SignIn(None)
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    audit.record(row.username, "signin", f"user:{row.username}", session=session, now=now)
    return SignIn(_person(row))
