"""Calls to Rasa's own HTTP API (`/status`, `/model`, `/conversations`) with its token.

Rasa checks its `--auth-token` in the query string (`?token=...`), and httpx logs
every request's URL at INFO: a filter on httpx's logger withholds the token from
those lines, so a gateway or trainer logging at INFO never writes it down.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx

_TOKEN_IN_URL = re.compile(r"([?&]token=)[^&\s\"']+")


class _WithholdToken(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any("token=" in str(a) for a in record.args):
            record.args = tuple(
                _TOKEN_IN_URL.sub(r"\1***", str(a)) if "token=" in str(a) else a for a in record.args
            )
        if isinstance(record.msg, str) and "token=" in record.msg:
            record.msg = _TOKEN_IN_URL.sub(r"\1***", record.msg)
        return True


_FILTER = _WithholdToken()


def withhold_token_in_http_logs() -> None:
    """Idempotent: installs the filter on httpx's logger."""
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def api_params(token: str | None) -> dict[str, str]:
    return {"token": token} if token else {}


def get(url: str, path: str, token: str | None, *, timeout: float = 5, **kwargs: Any) -> httpx.Response:
    """GET Rasa's `url + path` with the token (raises httpx.HTTPError when unreachable)."""
    withhold_token_in_http_logs()
    return httpx.get(url + path, params=api_params(token), timeout=timeout, trust_env=False, **kwargs)


def bearer(token: str | None) -> dict[str, str]:
    """The header our channel checks (nlu/server/channel.py); none without a token."""
    return {"Authorization": f"Bearer {token}"} if token else {}
