"""The environment each server process gets: what it needs to run, none of the others' secrets.

The gateway's environment holds the bot token, the webhook secret and the shop
database URL. Rasa needs none of them; the action server needs only the shop
database. A child process inherits everything by default, and a compromised or
verbose server would then carry every secret of the stack: so each gets an
allow-list of the plain process variables plus its own settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

# What any Python process needs to behave as it does from the shell.
_BASE = frozenset({"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM"})
_BASE_PREFIXES = ("LC_",)
# Rasa's own knobs (LOG_LEVEL, RASA_*, SANIC_*, SQL_POOL_*, TensorFlow and BLAS threads).
_RASA_PREFIXES = ("RASA_", "LOG_LEVEL", "SANIC_", "SQL_", "TF_", "OMP_", "MKL_", "OPENBLAS_", "CUDA_")
# rasa-sdk's knobs (ACTION_SERVER_SANIC_WORKERS, LOG_LEVEL_LIBRARIES, ...).
_ACTION_PREFIXES = ("ACTION_SERVER_", "LOG_LEVEL", "SANIC_")
# Never passed on by prefix: each process is given exactly the secret it needs.
_SECRETS = frozenset(
    {"RASA_TOKEN", "ACTION_SERVER_SECRET", "TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "DATABASE_URL"}
)


def _pick(environ: Mapping[str, str], prefixes: tuple[str, ...]) -> dict[str, str]:
    return {
        k: v
        for k, v in environ.items()
        if k not in _SECRETS and (k in _BASE or k.startswith(_BASE_PREFIXES + prefixes))
    }


def _python(project_root: str) -> dict[str, str]:
    return {"PYTHONPATH": project_root, "PYTHONUNBUFFERED": "1"}


def rasa_env(
    project_root: str, *, rasa_token: str, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The Rasa server's: its API token (read by nlu/server/__main__.py and credentials.yml), no shop secrets."""
    env = _pick(os.environ if environ is None else environ, _RASA_PREFIXES)
    env.update(_python(project_root), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    env["RASA_TOKEN"] = rasa_token
    return env


def action_env(
    project_root: str,
    *,
    action_secret: str,
    database_url: str | None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The action server's: the shop database and the secret Rasa must send, no tokens."""
    env = _pick(os.environ if environ is None else environ, _ACTION_PREFIXES)
    env.update(_python(project_root))
    env["ACTION_SERVER_SECRET"] = action_secret
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def console_env(
    project_root: str, *, database_url: str | None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The web console's: the shop database and its own CONSOLE_* settings; no bot token, no Rasa secrets."""
    env = _pick(os.environ if environ is None else environ, ("CONSOLE_", "VAR_DIR"))
    env.update(_python(project_root))
    if database_url:
        env["DATABASE_URL"] = database_url
    return env
