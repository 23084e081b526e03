"""Typed errors raised by the shop's data layer.

Callers (actions, gateway) catch these instead of SQLAlchemy or driver errors,
so a reply can be chosen without leaking exception text to a buyer.
"""

from __future__ import annotations

from datetime import datetime


class ShopError(Exception):
    """Base class of every error the shop package raises on purpose."""


class ShopUnavailable(ShopError):
    """The shop database cannot be reached or is too busy right now (transient)."""


class InvalidInput(ShopError, ValueError):
    """An argument is malformed (wrong shape, too long, unknown enum value)."""


class InvalidOrderId(InvalidInput):
    """An order id is not 13-24 ASCII digits (after stripping whitespace)."""


class UnknownProduct(ShopError):
    """A product code that is not in the catalogue where one is required."""


class UnknownBuyer(ShopError):
    """A buyer account that does not exist where one is required."""


class LinkingLocked(ShopError):
    """Too many failed link attempts for a chat account; retry after ``until`` (UTC)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"linking locked until {until.isoformat()}")
        self.until = until
