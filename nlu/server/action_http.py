"""Keep the HTTP connection to the action server open between turns.

Rasa 3.6 opens a new aiohttp `ClientSession` for every request to an endpoint
(`EndpointConfig.request`), so every action call pays a new session and a TCP
connect: 8 % of our Rasa server's CPU at 32 buyers (docs/benchmarks.md). Here
each endpoint keeps one session per event loop, with the same headers, auth and
timeout Rasa would give it. Idle connections are dropped after 2 s, far inside
the 120 s rasa-sdk keeps one open (its `keep_alive_timeout`; plain Sanic's is
5 s), so the action server never closes one under a request in flight.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

import aiohttp
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

CLIENT_KEEPALIVE_S = 2.0
_ORIGINAL = EndpointConfig.session


class _Borrowed:
    """`async with` that lends a long-lived session without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc: Any) -> None:
        return None


def _shared_session(self: EndpointConfig) -> Any:
    try:
        loop: Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
    except RuntimeError:  # not inside a loop: Rasa's own behaviour
        return _ORIGINAL(self)
    cached = getattr(self, "_shop_session", None)
    if cached is None or cached[0] is not loop or cached[1].closed:
        auth = (
            aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            if self.basic_auth
            else None
        )
        session = aiohttp.ClientSession(  # as Rasa's EndpointConfig.session, plus the connector
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=CLIENT_KEEPALIVE_S),
        )
        cached = (loop, session)
        self._shop_session = cached  # type: ignore[attr-defined]
    return _Borrowed(cached[1])


def install() -> None:
    """Idempotent; called when our channel is loaded into the Rasa server."""
    EndpointConfig.session = _shared_session  # type: ignore[method-assign]


def uninstall() -> None:
    EndpointConfig.session = _ORIGINAL  # type: ignore[method-assign]
