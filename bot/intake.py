"""Every Telegram update is a committed row before Telegram hears it arrived.

Telegram forgets an update once the bot confirms it: long polling confirms with
the next getUpdates' offset, a webhook with its HTTP 200. A crash or a database
outage between that confirmation and the row's commit would lose the buyer's
message, so the order is: store, then confirm. A redelivered update finds its
row and goes no further, so storing first costs a redelivery, never a message
and never a second answer.

`StoringQueue` is the application's update queue: `put` stores the update (and
raises when it cannot) and only updates seen for the first time go on to the
handlers. ptb's webhook server answers Telegram only after `put` returns, so a
failed store answers HTTP 500 and Telegram delivers the update again. Long
polling is `bot.polling.StoringUpdater`, which asks for the next offset only
after `put_batch` stored the batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from telegram import Update

# Stores a batch of updates in one transaction; returns those seen for the first time.
Store = Callable[[Sequence[Update]], Awaitable[list[Update]]]


class StoringQueue(asyncio.Queue):
    """The update queue whose `put` returns only once the update is stored."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    async def put(self, item: object) -> None:
        """Stores an update first (raises if it cannot); other items (ptb's stop signal) pass."""
        if isinstance(item, Update):
            await self.put_batch([item])
        else:
            await super().put(item)

    async def put_batch(self, updates: Sequence[Update]) -> None:
        """Stores the updates in one transaction, then queues the new ones in order."""
        for update in await self._store(updates):
            self.put_nowait(update)
