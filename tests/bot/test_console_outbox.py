"""What a web agent sends reaches the Telegram buyer through the gateway's outbox, once.

The console (console/desk_work.py) claims the draft and queues the reply; the
gateway (bot/outbox.py) delivers it and marks the card. A Telegram agent
pressing Send on the same card afterwards is told it was handled: the buyer
gets the reply once. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from console.accounts import Person
from console.desk_work import send_as_is
from desk import texts
from shop.models import OutboundMessage
from tests.bot.conftest import Harness
from tests.fakes.rasa import Turn

QUESTION = "这件衣服质量不好"
APOLOGY = "亲，非常抱歉给您带来不好的体验，我们马上为您处理～"
WEB_AGENT = Person(7, "lily", "Lily", "agent")


async def test_a_web_agents_send_reaches_the_telegram_buyer_once(harness: Harness) -> None:
    harness.rasa.script[QUESTION] = Turn("complain", 0.95, [APOLOGY], meta={"rule": "complaint_apology"})
    await harness.start()
    harness.buyer_says(QUESTION)
    card_id = await harness.wait_card()
    draft_id = await harness.draft_of_card(card_id)

    outcome = harness.db(lambda s: send_as_is(WEB_AGENT, draft_id, session=s, now=datetime.now(timezone.utc)))
    assert outcome.ok
    await harness.wait_for(lambda: harness.to_buyer() == [APOLOGY], what="delivered by the outbox")
    await harness.wait_for(
        lambda: any("web:lily" in e for e in harness.edits_of(card_id)), what="the card says who sent it"
    )
    statuses = harness.db(
        lambda s: [
            r.status for r in s.scalars(select(OutboundMessage).where(OutboundMessage.draft_id == draft_id))
        ]
    )
    assert statuses == ["sent"]

    # A Telegram agent pressing Send now: already handled, nothing more reaches the buyer.
    harness.press(11, card_id, f"send:{draft_id}")
    await harness.wait_for(
        lambda: any(
            c.params.get("text") == texts.agent("already_handled")
            for c in harness.api.calls_of("answerCallbackQuery")
        ),
        what="the press answered",
    )
    assert harness.to_buyer() == [APOLOGY]
