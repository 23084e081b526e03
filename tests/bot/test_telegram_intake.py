"""Updates are stored before Telegram is told they arrived (bot.intake, bot.polling).

The database is made unavailable under the gateway (every statement fails the
way a lost connection does): nothing may be confirmed to Telegram meanwhile,
and once it is back every message is answered exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, exc, select

from shop.models import InboundMessage
from tests.bot.conftest import Harness
from tests.bot.test_telegram_webhook import post, start_webhook
from tests.fakes.rasa import Turn

HELLO, THANKS = "亲，在的呢～", "不客气哦亲～"


class Outage:
    """While `down`, every statement on the engine fails like a refused connection."""

    def __init__(self) -> None:
        self.down = False

    def __call__(self, *args: object) -> None:
        if self.down:
            raise exc.OperationalError("SELECT", {}, ConnectionRefusedError("the database is down"))


@pytest.fixture
def outage(harness: Harness) -> Iterator[Outage]:
    fault = Outage()
    event.listen(harness.engine, "before_cursor_execute", fault)
    yield fault
    fault.down = False
    event.remove(harness.engine, "before_cursor_execute", fault)


def _script(harness: Harness) -> None:
    harness.rasa.script["在吗"] = Turn("greet", 0.99, [HELLO])
    harness.rasa.script["谢谢"] = Turn("thank", 0.99, [THANKS])


async def test_polling_confirms_nothing_while_the_database_is_down(harness: Harness, outage: Outage) -> None:
    _script(harness)
    await harness.start()
    outage.down = True
    first, _ = harness.api.push_many([harness.buyer_update("在吗"), harness.buyer_update("谢谢")])
    # Fetched again and again: the offset never moved past updates that are not stored.
    await harness.wait_for(lambda: harness.api.times_handed_out(first) >= 3, what="the batch fetched again")
    assert harness.api.pending_updates() == 2
    assert harness.to_buyer() == []
    outage.down = False
    await harness.wait_for(lambda: len(harness.to_buyer()) == 2, what="both answers")
    await harness.idle()
    assert harness.to_buyer() == [HELLO, THANKS]
    assert harness.rasa.texts() == ["在吗", "谢谢"]
    assert harness.db(lambda s: len(list(s.scalars(select(InboundMessage))))) == 2


async def test_a_webhook_update_that_cannot_be_stored_is_refused_and_taken_when_resent(
    harness: Harness, outage: Outage
) -> None:
    _script(harness)
    url = await start_webhook(harness)
    update = {"update_id": 7, **harness.buyer_update("在吗")}
    outage.down = True
    status = await post(url, update)
    assert status >= 500  # Telegram delivers it again later
    outage.down = False
    assert await post(url, update) == 200
    await harness.wait_for(lambda: harness.to_buyer() == [HELLO], what="the answer")
    await harness.idle()
    assert harness.rasa.texts() == ["在吗"]
