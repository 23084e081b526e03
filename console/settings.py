"""The console's settings: the only module of `console` that reads the environment."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from paths import RESPONSES_DIR, VAR_DIR
from stack.private_files import private_dir, write_private


@dataclass(frozen=True)
class ConsoleSettings:
    # 127.0.0.1 by default: for real use the console sits behind a reverse proxy (TLS).
    host: str = "127.0.0.1"
    port: int = 8700
    # Signs the session cookie; None: a random key kept in var/run/console-secret (0600).
    secret_key: str | None = field(default=None, repr=False)
    cookie_secure: bool = False  # set CONSOLE_COOKIE_SECURE=1 behind an https proxy
    session_hours: int = 12
    database_url: str | None = field(default=None, repr=False)  # None: shop.db.settings
    # The shop's routing file (ROUTING_FILE, as the gateway and desk.analytics read it): its
    # response_minutes marks drafts overdue in the queue; the owner applies thresholds to it.
    routing_file: Path = RESPONSES_DIR / "routing.yml"
    # Sign-in throttle: this many failures within the window lock the username; the address
    # gets more (a shop's agents often share one office address).
    signin_failures: int = 5
    signin_address_failures: int = 30
    signin_window_s: int = 900
    # How often an open queue looks for new drafts (server-sent events): a new draft shows
    # within this plus one queue query (5-15 ms with 100k drafts), under issue 20's 1 s target.
    queue_poll_s: float = 0.5
    var_dir: Path = VAR_DIR


def load_settings(env: Mapping[str, str] | None = None) -> ConsoleSettings:
    env = os.environ if env is None else env
    return ConsoleSettings(
        host=env.get("CONSOLE_HOST") or "127.0.0.1",
        port=int(env.get("CONSOLE_PORT") or "8700"),
        secret_key=env.get("CONSOLE_SECRET") or None,
        cookie_secure=(env.get("CONSOLE_COOKIE_SECURE") or "0") not in ("0", "", "false"),
        database_url=env.get("DATABASE_URL") or None,
        routing_file=Path(env.get("ROUTING_FILE") or RESPONSES_DIR / "routing.yml"),
        var_dir=Path(env.get("VAR_DIR") or VAR_DIR),
    )


def session_key(settings: ConsoleSettings) -> str:
    """CONSOLE_SECRET, else a key generated once and kept owner-only (sessions survive restarts)."""
    if settings.secret_key:
        return settings.secret_key
    run_dir = private_dir(settings.var_dir / "run")
    path = run_dir / "console-secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(48)
    write_private(path, key)
    return key
