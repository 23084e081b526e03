"""Settings of the shop package: the only module of ``shop`` that reads the environment.

``DATABASE_URL`` selects the shop database. Without it the shop uses the embedded
SQLite file ``var/shop.db`` under the project root (``var/`` is git-ignored and
created on demand, when the URL is asked for, never at import).
``SHOP_TIMEZONE`` (default ``Asia/Shanghai``) is the zone of the times in a shop's
exports and of "today" for restock dates.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from paths import DEMO_SHOP_FILE, PROJECT_ROOT, VAR_DIR

DEFAULT_SQLITE_PATH = VAR_DIR / "shop.db"
DEMO_SHOP_PATH = DEMO_SHOP_FILE
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
DEFAULT_SHOP_TIMEZONE = "Asia/Shanghai"
__all__ = ["DEFAULT_SQLITE_PATH", "DEMO_SHOP_PATH", "MIGRATIONS_DIR", "PROJECT_ROOT", "ShopSettings"]


@dataclass(frozen=True)
class ShopSettings:
    """Resolved settings; build with :func:`load_settings`."""

    database_url: str


def load_settings(environ: Mapping[str, str] | None = None) -> ShopSettings:
    """Read the settings from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    url = (env.get("DATABASE_URL") or "").strip()
    if not url:
        DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    return ShopSettings(database_url=url)


def database_url() -> str:
    """The shop database URL (``DATABASE_URL`` or the default SQLite file)."""
    return load_settings().database_url


def shop_timezone(environ: Mapping[str, str] | None = None) -> ZoneInfo:
    """The shop's time zone (``SHOP_TIMEZONE``): export times are local to it."""
    env = os.environ if environ is None else environ
    return ZoneInfo((env.get("SHOP_TIMEZONE") or "").strip() or DEFAULT_SHOP_TIMEZONE)
