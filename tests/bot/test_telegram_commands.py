"""The bot's commands through the Telegram gateway: handled in turn with the chat's other messages."""

from __future__ import annotations

import threading

from desk import texts
from tests.bot.conftest import Harness
from tests.fakes.rasa import Turn


async def test_a_command_waits_for_the_message_before_it(harness: Harness) -> None:
    # Rasa holds the first answer until the test lets it go: no timing decides the order.
    slow = threading.Event()
    harness.rasa.script["在吗"] = Turn("greet", 0.99, ["亲，在的呢～"], hold=slow)
    await harness.start()
    harness.api.push_many([harness.buyer_update("在吗"), harness.buyer_update("/start@mumian_bot")])
    try:
        await harness.wait_for(
            lambda: [r.get("message") for r in harness.rasa.requests] == ["在吗"],
            what="the first message at Rasa",
        )
        assert harness.to_buyer() == []  # the command is not answered before the earlier message
    finally:
        slow.set()
    await harness.wait_for(lambda: len(harness.to_buyer()) == 2, what="both answers")
    assert harness.to_buyer() == ["亲，在的呢～", texts.buyer("welcome")]
    assert harness.rasa.texts() == ["在吗"]  # the command never reached the model
