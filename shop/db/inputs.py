"""Checks applied to values that reach the database from chat input.

Lookups with a malformed key simply find nothing; writes of a malformed key
raise :class:`InvalidInput`. Either way no driver error escapes (PostgreSQL
rejects NUL characters and over-long VARCHARs with errors of its own).
"""

from __future__ import annotations

import re

from shop.db.errors import InvalidInput, InvalidOrderId

# A platform order number is ASCII digits only: the demo shop's have 13, a
# Taobao/Tmall export's (订单编号) 18-19, older ones 15-17. This is the widest shape
# any shop's may take; which lengths a shop's orders have is the shop's own
# (``shop.store.orders.order_id_lengths``), read from its orders.
ORDER_ID_MIN_LENGTH = 13
ORDER_ID_MAX_LENGTH = 24  # the width of every order id column
# Before a shop has orders, the lengths a number is taken for an order id by.
DEFAULT_ORDER_ID_LENGTHS = frozenset({13, 15, 16, 17, 18, 19})
ORDER_ID_PATTERN = rf"[0-9]{{{ORDER_ID_MIN_LENGTH},{ORDER_ID_MAX_LENGTH}}}"
_ORDER_ID = re.compile(ORDER_ID_PATTERN)
KEY_MAX_LENGTH = 64


def normalise_order_id(value: object) -> str:
    """The order id as 13-24 ASCII digits, or raise :class:`InvalidOrderId`."""
    shape = f"{ORDER_ID_MIN_LENGTH}-{ORDER_ID_MAX_LENGTH} digits"
    if not isinstance(value, str):
        raise InvalidOrderId(f"order id must be a string of {shape}")
    candidate = value.strip()
    if not _ORDER_ID.fullmatch(candidate):
        raise InvalidOrderId(f"order id must be {shape}")
    return candidate


def lookup_key(value: object, max_length: int = KEY_MAX_LENGTH) -> str | None:
    """A stripped identifier to look up, or ``None`` when it cannot match anything."""
    if not isinstance(value, str):
        return None
    key = value.strip()
    if not key or len(key) > max_length or "\x00" in key:
        return None
    return key


def require_key(value: object, field: str, max_length: int = KEY_MAX_LENGTH) -> str:
    """An identifier to store (ints are accepted: Telegram ids); raise if malformed."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    key = lookup_key(value, max_length)
    if key is None:
        raise InvalidInput(f"{field} must be a non-empty string of at most {max_length} characters")
    return key


def require_choice(value: object, field: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``; raise :class:`InvalidInput` otherwise."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput(f"{field} must be one of {', '.join(choices)}")
    return value


def clean_text(value: str | None) -> str | None:
    """Free text made storable: NUL characters removed (PostgreSQL refuses them)."""
    if value is None:
        return None
    return str(value).replace("\x00", "")


def valid_row_id(value: object) -> int | None:
    """A positive integer primary key that fits a 32-bit column, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value < 2**31 else None
