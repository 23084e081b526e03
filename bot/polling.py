"""Long polling that confirms an update to Telegram only after it is stored.

ptb's own polling moves the offset past a fetched batch before any handler has
stored it: a crash then loses the batch. `StoringUpdater` keeps ptb's Updater
interface (`run_polling`, `start_polling`, `stop`) but fetches with
offset = last stored update + 1, stores each batch (`StoringQueue.put_batch`)
and only then asks with the next offset. A batch that cannot be stored (the
database is down) is not confirmed: it is fetched again after a pause that
grows up to a limit, and handled once the database is back. Webhooks stay
ptb's (`StoringQueue.put` stores before the HTTP answer).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from telegram import Bot
from telegram.error import RetryAfter, TelegramError, TimedOut
from telegram.ext import Updater

from bot.intake import StoringQueue

log = logging.getLogger(__name__)


class StoringUpdater(Updater):
    """ptb's Updater with long polling that stores every batch before confirming it."""

    def __init__(
        self, *, bot: Bot, update_queue: StoringQueue, retry_base_s: float = 0.5, retry_max_s: float = 10.0
    ) -> None:
        super().__init__(bot=bot, update_queue=update_queue)
        self._storing_queue = update_queue
        self._retry_base_s = retry_base_s
        self._retry_max_s = retry_max_s
        self._poll_task: asyncio.Task[None] | None = None
        self._offset: int | None = None  # last stored update id + 1
        self._allowed: Sequence[str] | None = None

    async def start_polling(
        self,
        poll_interval: float = 0.0,
        timeout: float = 10,
        bootstrap_retries: int = 0,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        error_callback: Callable[[TelegramError], None] | None = None,
    ) -> asyncio.Queue[object]:
        """Deletes any webhook, then polls in the background; returns the update queue."""
        if self.running or self._poll_task is not None:
            raise RuntimeError("This Updater is already running!")
        if drop_pending_updates:
            raise ValueError("dropping pending updates would lose buyers' messages")
        await self._delete_webhook(bootstrap_retries)
        self._allowed = allowed_updates
        self._running = True
        self._poll_task = asyncio.create_task(
            self._poll(timeout, poll_interval, error_callback), name="StoringUpdater:poll"
        )
        return self.update_queue

    async def stop(self) -> None:
        """Stops polling (or ptb's webhook) and confirms what was stored."""
        if self._poll_task is None:
            await super().stop()
            return
        self._running = False
        task, self._poll_task = self._poll_task, None
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        if self._offset is not None:
            # Not needed for correctness (a redelivery is recognised), it only spares one.
            with contextlib.suppress(TelegramError):
                await self.bot.get_updates(offset=self._offset, timeout=0, allowed_updates=self._allowed)

    def _pause(self, failures: int) -> float:
        return min(self._retry_max_s, self._retry_base_s * 2 ** max(0, failures - 1))

    async def _delete_webhook(self, retries: int) -> None:
        attempt = 0
        while True:
            try:
                await self.bot.delete_webhook(drop_pending_updates=False)
                return
            except TelegramError:
                attempt += 1
                if 0 <= retries < attempt:
                    raise
                await asyncio.sleep(self._pause(attempt))

    async def _poll(
        self, timeout: float, interval: float, error_callback: Callable[[TelegramError], None] | None
    ) -> None:
        failures = 0
        while True:
            pause = interval
            try:
                updates = await self.bot.get_updates(
                    offset=self._offset, timeout=timeout, allowed_updates=self._allowed
                )
                if updates:
                    await self._storing_queue.put_batch(updates)
                    self._offset = updates[-1].update_id + 1
                failures = 0
            except asyncio.CancelledError:
                raise
            except RetryAfter as exc:
                wait = exc.retry_after  # seconds, or a timedelta (ptb's PTB_TIMEDELTA mode)
                pause = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            except TimedOut:
                pause = 0.0  # a long poll that took too long: ask again at once
            except Exception as exc:
                failures += 1
                pause = self._pause(failures)
                if isinstance(exc, TelegramError) and error_callback is not None:
                    error_callback(exc)
                # Nothing was confirmed: the same updates come again with the next getUpdates.
                log.warning(
                    "polling failed (%s: %s); Telegram keeps the updates, next try in %.1f s",
                    type(exc).__name__, exc, pause, exc_info=failures == 1,
                )  # fmt: skip
            if pause:
                await asyncio.sleep(pause)
