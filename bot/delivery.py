"""Sending to Telegram without losing or flooding: splitting, spacing, retries.

Telegram allows about one message a second per chat and 20 a minute per group
and answers a burst with RetryAfter; a text over 4096 characters is refused; a
buyer who blocked the bot gives Forbidden. Every send goes through `Delivery`,
which spaces messages per chat, waits out flood limits, retries network errors,
splits long texts on sentence boundaries and turns Forbidden into `BuyerBlocked`.
(ptb's AIORateLimiter needs the `rate-limiter` extra, not installed here.)
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

log = logging.getLogger(__name__)

MAX_TEXT = 4096
T = TypeVar("T")
# A sentence ends after one of these (Chinese and Western punctuation, newlines).
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…\n])")


class BuyerBlocked(Exception):
    """The chat refuses the bot's messages (the buyer blocked it or left)."""


class DeliveryFailed(Exception):
    """Telegram kept failing; the message was not sent."""


def _units(text: str) -> int:
    # Telegram counts UTF-16 code units: an emoji outside the BMP counts twice.
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` in pieces of at most `limit`, cut after sentence ends where possible."""
    if _units(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        while _units(sentence) > limit:  # one sentence longer than a message: hard cut
            if current:
                pieces.append(current)
                current = ""
            cut = limit
            while _units(sentence[:cut]) > limit:
                cut -= 1
            pieces.append(sentence[:cut])
            sentence = sentence[cut:]
        if _units(current + sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current += sentence
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Delivery:
    """Sends with per-chat spacing and retries; one instance per application."""

    def __init__(
        self,
        *,
        chat_interval_s: float = 1.0,
        group_interval_s: float = 3.0,
        attempts: int = 5,
        backoff_s: float = 0.5,
    ) -> None:
        self.chat_interval_s = chat_interval_s
        self.group_interval_s = group_interval_s
        self.attempts = attempts
        self.backoff_s = backoff_s
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}

    def _interval(self, chat_id: int | str) -> float:
        # Groups and supergroups have negative ids and the stricter limit.
        return self.group_interval_s if str(chat_id).startswith("-") else self.chat_interval_s

    async def call(self, chat_id: int | str, request: Callable[[], Awaitable[T]]) -> T:
        """Runs one Bot API call for `chat_id`, spaced and retried."""
        key = str(chat_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            for attempt in range(1, self.attempts + 1):
                wait = self._last.get(key, 0.0) + self._interval(chat_id) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    result = await request()
                except RetryAfter as exc:
                    log.warning("flood limit for chat %s: waiting %s", key, exc.retry_after)
                    await asyncio.sleep(_seconds(exc.retry_after))
                except Forbidden as exc:
                    raise BuyerBlocked(str(exc)) from exc
                except (TimedOut, NetworkError) as exc:
                    if isinstance(exc, BadRequest) or attempt == self.attempts:
                        raise
                    log.warning("sending to chat %s failed (%s), retrying", key, exc)
                    await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1))
                else:
                    return result
                finally:
                    self._last[key] = time.monotonic()
        raise DeliveryFailed(f"gave up on chat {key} after {self.attempts} attempts")

    async def send_text(self, bot: Bot, chat_id: int | str, text: str, **kwargs: Any) -> list[Message]:
        """Sends `text` (split if too long); the messages sent, in order."""
        sent: list[Message] = []
        for piece in split_text(text):
            sent += await self._send_piece(bot, chat_id, piece, MAX_TEXT, **kwargs)
        return sent

    async def _send_piece(
        self, bot: Bot, chat_id: int | str, text: str, limit: int, **kwargs: Any
    ) -> list[Message]:
        try:
            message = await self.call(chat_id, lambda: bot.send_message(chat_id=chat_id, text=text, **kwargs))
            return [message]
        except BadRequest as exc:
            # Our count and Telegram's can differ (entities, normalisation): cut finer.
            if "too long" not in str(exc).lower() or limit < 256:
                raise
            sent: list[Message] = []
            for piece in split_text(text, limit // 2):
                sent += await self._send_piece(bot, chat_id, piece, limit // 2, **kwargs)
            return sent

    async def edit_text(
        self, bot: Bot, chat_id: int | str, message_id: int | str, text: str, **kwargs: Any
    ) -> None:
        """Replaces a card's text (cut to the limit: a card is never split)."""
        text = split_text(text)[0] if _units(text) > MAX_TEXT else text
        try:
            await self.call(
                chat_id,
                lambda: bot.edit_message_text(
                    chat_id=chat_id, message_id=int(message_id), text=text, **kwargs
                ),
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():  # editing to the same text is harmless
                raise
