"""Closed-loop load: simulated buyers each hold conversations, one message in flight each.

A buyer sends its next message only when the previous draft arrived (what a
person in a chat does, and what the gateway enforces: one message per chat in
flight). Every phase is bounded: `rounds` conversations per buyer, and no new
message is sent after `max_s`; messages already sent are still awaited.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.conversations import Conversation
from bench.stats import summarize

# send(conversation_id, buyer_slot, conversation, turn_index) -> served intent (or None)
Send = Callable[[str, int, Conversation, int], Awaitable[str | None]]


class NoReply(Exception):
    """A draft came back without any reply text: not a drop (the gateway hands such a
    draft to an agent, desk/pipeline.build_draft), but counted and shown."""

    def __init__(self, intent: str | None = None) -> None:
        super().__init__(intent or "no reply text")
        self.intent = intent


@dataclass
class PhaseResult:
    """Raw outcome of one phase (latencies in seconds)."""

    name: str
    buyers: int
    latencies: list[float] = field(default_factory=list)
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (sent at, latency)
    errors: Counter = field(default_factory=Counter)
    intent_hits: int = 0
    intent_checked: int = 0
    elapsed_s: float = 0.0
    truncated: bool = False  # the time bound stopped it before all rounds were done
    no_reply: list[str] = field(default_factory=list)  # messages answered without reply text

    def summary(self) -> dict[str, Any]:
        out = summarize(self.latencies, elapsed_s=self.elapsed_s, errors=sum(self.errors.values()))
        out["buyers"] = self.buyers
        out["truncated"] = self.truncated
        if self.errors:
            out["error_kinds"] = dict(self.errors.most_common(5))
        out["no_reply_drafts"] = len(self.no_reply)
        if self.no_reply:
            out["no_reply_messages"] = sorted(set(self.no_reply))[:10]
        if self.intent_checked:
            out["intent_agreement"] = round(self.intent_hits / self.intent_checked, 3)
        return out


def error_kind(exc: BaseException) -> str:
    """The exception's type, and the type of what raised it (RasaUnavailable wraps the
    HTTP error: a refused connection and a dropped one need different fixes)."""
    cause = exc.__cause__
    return f"{type(exc).__name__} ({type(cause).__name__})" if cause else type(exc).__name__


def conversation_for(conversations: list[Conversation], slot: int, rnd: int) -> Conversation:
    """Buyer slot i plays script i (mod the number of scripts), then the next scripts of
    the SAME demo buyer: a slot is one chat, linked to one shop account."""
    first = conversations[slot % len(conversations)]
    same = [c for c in conversations if c.buyer == first.buyer]
    return same[(same.index(first) + rnd) % len(same)]


async def run_phase(
    name: str,
    send: Send,
    conversations: list[Conversation],
    *,
    buyers: int,
    rounds: int,
    max_s: float,
    run_id: str,
    concurrency: int | None = None,
    turns: int | None = None,
    timeout_s: float = 30.0,
    stop: asyncio.Event | None = None,
) -> PhaseResult:
    """`buyers` buyers, at most `concurrency` at a time (default: all), each running
    `rounds` conversations; no message is sent after `max_s` or once `stop` is set."""
    result = PhaseResult(name=name, buyers=min(buyers, concurrency or buyers))
    started = time.monotonic()
    deadline = started + max_s
    gate = asyncio.Semaphore(concurrency or buyers)

    async def buyer(slot: int) -> None:
        async with gate:
            await chat(slot)

    async def chat(slot: int) -> None:
        for rnd in range(rounds):
            conversation = conversation_for(conversations, slot, rnd)
            conversation_id = f"bench-{run_id}-{name}-{slot}-{rnd}"
            for index in range(min(turns or len(conversation.turns), len(conversation.turns))):
                if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                    result.truncated = time.monotonic() >= deadline
                    return
                sent = time.monotonic()
                try:
                    served = await asyncio.wait_for(
                        send(conversation_id, slot, conversation, index), timeout_s
                    )
                except NoReply as answered:
                    served = answered.intent
                    result.no_reply.append(conversation.turns[index].text)
                except Exception as exc:  # noqa: BLE001 - counted and reported, the phase goes on
                    result.errors[error_kind(exc)] += 1
                    continue
                latency = time.monotonic() - sent
                result.latencies.append(latency)
                result.timeline.append((sent - started, latency))
                if served is not None:
                    result.intent_checked += 1
                    result.intent_hits += served == conversation.turns[index].intent or (
                        served == "nlu_fallback" and conversation.turns[index].intent == "out_of_scope"
                    )

    await asyncio.gather(*(buyer(slot) for slot in range(buyers)))
    result.elapsed_s = time.monotonic() - started
    return result
