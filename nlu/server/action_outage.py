"""Let the channel know when Rasa could not reach the action server.

Rasa's processor catches every failed action, logs it and goes on: our channel
would answer 200 without a reply and the gateway would take it as "no draft"
(an agent card, no retry). Here `RemoteAction.run` notes an unreachable action
server (a connection error or a timeout, not an action that answered with an
error) in the current request's context, and the channel answers 503 as if Rasa
itself were down: the gateway keeps the message and retries it.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from typing import Any, List, Optional, Text

import aiohttp
from rasa.core.actions.action import RemoteAction

_UNREACHED: ContextVar[Optional[List[Text]]] = ContextVar("unreached_actions", default=None)
_ORIGINAL = RemoteAction.run


def watch() -> List[Text]:
    """Starts noting, for the current request, the actions that found no action server."""
    unreached: List[Text] = []
    _UNREACHED.set(unreached)
    return unreached


def _unreachable(exc: BaseException) -> bool:
    # Rasa re-raises a connection error as a RasaException: look down the chain.
    seen: Optional[BaseException] = exc
    while seen is not None:
        if isinstance(seen, (aiohttp.ClientConnectionError, asyncio.TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def _run(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
    try:
        return await _ORIGINAL(self, *args, **kwargs)
    except Exception as exc:
        unreached = _UNREACHED.get()
        if unreached is not None and _unreachable(exc):
            unreached.append(self.name())
        raise


def install() -> None:
    """Idempotent; called when our channel is loaded into the Rasa server."""
    RemoteAction.run = _run  # type: ignore[method-assign]


def uninstall() -> None:
    RemoteAction.run = _ORIGINAL  # type: ignore[method-assign]
