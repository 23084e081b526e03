"""Settings of the action server: the only module of `actions` that reads the environment.

The shop database comes from `shop.db.settings` (DATABASE_URL).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

SECRET_ENV = "ACTION_SERVER_SECRET"


def action_server_secret(environ: Mapping[str, str] | None = None) -> str | None:
    """The bearer secret Rasa must send (its endpoints file's `headers:`); None: not set."""
    env = os.environ if environ is None else environ
    return (env.get(SECRET_ENV) or "").strip() or None
