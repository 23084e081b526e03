"""At most one message per chat in flight, chats in parallel.

Rasa loses messages when one conversation is handled twice at once, and a
buyer's second message must not be answered before the first. Each chat gets
one worker task that handles the chat's stored, unfinished messages oldest
first until none is left; `kick` starts it (or tells a running one to look
again). The messages themselves live in the database, so a restart loses none.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

# Handles the chat's next unfinished message; False when there was none.
Step = Callable[[str], Awaitable[bool]]
# How long a stop waits for the messages in hand (a Rasa turn takes well under a second).
DRAIN_S = 5.0


class ChatQueue:
    """One worker per chat, started on demand, gone when the chat is idle."""

    def __init__(self, step: Step, *, retry_after_s: float = 1.0) -> None:
        self._step = step
        self.retry_after_s = retry_after_s
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._closed = False

    def kick(self, chat_id: str) -> None:
        """New work for `chat_id`: start its worker, or make the running one look again."""
        if self._closed:
            return
        if chat_id in self._workers:
            self._again.add(chat_id)
            return
        self._workers[chat_id] = asyncio.create_task(self._run(chat_id), name=f"chat-{chat_id}")

    async def _run(self, chat_id: str) -> None:
        try:
            while not self._closed:
                self._again.discard(chat_id)
                try:
                    handled = await self._step(chat_id)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # The message stays unfinished in the DB: try again after a pause
                    # (the step gives up on a message that keeps failing).
                    log.exception("handling a message of chat %s failed", chat_id)
                    await asyncio.sleep(self.retry_after_s)
                    continue
                if not handled and chat_id not in self._again:
                    break
        finally:
            self._workers.pop(chat_id, None)

    def busy(self) -> bool:
        """True while any chat has a worker."""
        return bool(self._workers)

    async def close(self, drain_s: float = DRAIN_S) -> None:
        """Lets every worker finish the message in hand (at most `drain_s`), then stops them;
        unfinished messages stay stored for the next start.

        Cancelling a worker between sending a reply and recording it would make the
        next start send that reply again.
        """
        self._closed = True
        workers = list(self._workers.values())
        if workers:
            await asyncio.wait(workers, timeout=drain_s)
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
