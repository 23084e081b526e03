"""ChatQueue.close: a stop lets the message in hand finish, within a bound."""

from __future__ import annotations

import asyncio

from bot.chat_queue import ChatQueue


async def test_close_lets_the_message_in_hand_be_recorded() -> None:
    started, recorded = asyncio.Event(), []

    async def step(chat_id: str) -> bool:
        if recorded:
            return False
        started.set()
        await asyncio.sleep(0.05)  # the reply is on its way to the buyer
        recorded.append(chat_id)  # ... and marked sent
        return True

    queue = ChatQueue(step)
    queue.kick("c1")
    await started.wait()
    await queue.close()
    assert recorded == ["c1"]  # not cut between sending and recording
    assert not queue.busy()


async def test_close_gives_up_on_a_step_that_takes_too_long() -> None:
    started, finished = asyncio.Event(), []

    async def step(chat_id: str) -> bool:
        started.set()
        await asyncio.sleep(60)
        finished.append(chat_id)
        return True

    queue = ChatQueue(step)
    queue.kick("c1")
    await started.wait()
    await asyncio.wait_for(queue.close(drain_s=0.05), timeout=5)
    assert finished == [] and not queue.busy()
    queue.kick("c2")  # closed: no new worker
    assert not queue.busy()
