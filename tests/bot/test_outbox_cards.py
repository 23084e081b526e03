"""The outbox edits a draft's card once per delivery batch, with what became of all its replies.

A web agent's send queues one `outbound_messages` row per reply (console/desk_work.py);
the gateway's outbox (bot/outbox.py) delivers them. Telegram agents read the card:
it must end saying what happened (sent, or not delivered), edited once, not once per
reply. Each test waits for the outbox round after the one that delivered the rows, so
an edit that would follow is seen. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy import select

from bot import outbox
from console.accounts import Person
from console.desk_work import send_as_is
from desk import store, texts
from shop.db.errors import ShopUnavailable
from shop.models import Conversation, OutboundMessage
from tests.bot.conftest import BUYER, OTHER_BUYER, Harness
from tests.fakes.rasa import Turn

QUESTION = "这件衣服质量不好"
REPLIES = ["亲，非常抱歉给您带来不好的体验～", "我们马上为您处理，请您稍等～", "处理好了第一时间告诉您哦～"]
WEB_AGENT = Person(7, "lily", "Lily", "agent")


def _head(key: str) -> str:
    """A card status's words before its time (the time is the gateway's clock)."""
    return texts.agent(key, agent="web:lily", at="\0").split("\0")[0]


async def _web_agent_sends(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, replies: list[str], *, first: Callable[[], Any] = list
) -> tuple[int, int, list[int]]:
    """A draft of ``replies`` sent from the web (``first`` done just before); (card, draft, outbox rounds)."""
    rounds = [0]
    queued = outbox._queued

    def counted(session):  # noqa: ANN001, ANN202 - bot.outbox._queued, counted
        rounds[0] += 1
        return queued(session)

    monkeypatch.setattr(outbox, "_queued", counted)
    harness.rasa.script[QUESTION] = Turn("complain", 0.95, replies, meta={"rule": "complaint_apology"})
    await harness.start()
    harness.buyer_says(QUESTION)
    card_id = await harness.wait_card()
    draft_id = await harness.draft_of_card(card_id)
    first()
    outcome = harness.db(lambda s: send_as_is(WEB_AGENT, draft_id, session=s, now=datetime.now(timezone.utc)))
    assert outcome.ok
    return card_id, draft_id, rounds


def _refuse_the_next_send(harness: Harness) -> None:
    harness.api.fail_next("sendMessage", chat_id=BUYER, code=400, description="Bad Request: chat not found")


def _statuses(harness: Harness, draft_id: int) -> list[str]:
    return harness.db(
        lambda s: list(
            s.scalars(
                select(OutboundMessage.status)
                .where(OutboundMessage.draft_id == draft_id)
                .order_by(OutboundMessage.id)
            )
        )
    )


async def _delivery_round_over(harness: Harness, draft_id: int, rounds: list[int], replies: int) -> None:
    """Every row of the draft handled, and the outbox round that handled them finished."""
    await harness.wait_for(
        lambda: len(_statuses(harness, draft_id)) == replies and "queued" not in _statuses(harness, draft_id),
        what="every reply handled by the outbox",
    )
    seen = rounds[0]
    await harness.wait_for(lambda: rounds[0] > seen, what="the next outbox round (the last one is over)")


@pytest.mark.parametrize("replies", [REPLIES, REPLIES[:1]], ids=["three replies", "one reply"])
async def test_a_web_send_edits_its_card_once_with_the_final_state(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, replies: list[str]
) -> None:
    card_id, draft_id, rounds = await _web_agent_sends(harness, monkeypatch, replies)
    await _delivery_round_over(harness, draft_id, rounds, len(replies))
    assert harness.to_buyer() == replies
    assert _statuses(harness, draft_id) == ["sent"] * len(replies)
    edits = harness.edits_of(card_id)
    assert len(edits) == 1, edits
    assert _head("done_sent") in edits[0]


async def test_a_buyer_who_blocked_the_bot_leaves_the_card_saying_so_once(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    card_id, draft_id, rounds = await _web_agent_sends(
        harness, monkeypatch, REPLIES, first=lambda: harness.api.blocked_chats.add(BUYER)
    )
    await _delivery_round_over(harness, draft_id, rounds, len(REPLIES))
    assert harness.to_buyer() == []
    assert _statuses(harness, draft_id) == ["failed"] * len(REPLIES)  # kept, marked: nothing lost
    assert harness.db(
        lambda s: s.scalars(select(Conversation.blocked).where(Conversation.chat_id == str(BUYER))).all()
    ) == [True]
    edits = harness.edits_of(card_id)
    assert len(edits) == 1 and texts.agent("blocked") in edits[0], edits
    assert _head("done_sent") not in edits[0]


@pytest.mark.parametrize("batch", [outbox.BATCH, 2], ids=["one batch", "a batch ends inside the draft"])
async def test_one_reply_telegram_refused_makes_the_card_say_it_was_not_delivered(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """The first reply is refused, the others go: the card must not read "sent", edited once.

    Rows queued while the gateway was down can exceed a batch: then the first batch ends inside
    the draft, and the "sent" of its last reply in the next batch must not cover the refusal.
    """
    monkeypatch.setattr(outbox, "BATCH", batch)
    card_id, draft_id, rounds = await _web_agent_sends(
        harness, monkeypatch, REPLIES, first=lambda: _refuse_the_next_send(harness)
    )
    await _delivery_round_over(harness, draft_id, rounds, len(REPLIES))
    assert harness.to_buyer() == REPLIES[1:]
    assert _statuses(harness, draft_id) == ["failed", "sent", "sent"]
    edits = harness.edits_of(card_id)
    assert len(edits) == 1 and _head("outbox_failed") in edits[0], edits
    assert _head("done_sent") not in edits[0]


async def test_a_round_that_stops_half_way_has_marked_the_cards_it_finished(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two drafts in one batch; the database fails on the second (recording its blocked buyer).

    The first draft's reply went out and is recorded: its card says so at once, not at a batch end
    that never comes. The second is delivered by a later round, and its card says what happened.
    """
    harness.rasa.script[QUESTION] = Turn("complain", 0.95, REPLIES[:2], meta={"rule": "complaint_apology"})
    await harness.start()
    harness.buyer_says(QUESTION)
    first_card = await harness.wait_card()
    harness.buyer_says(QUESTION, OTHER_BUYER)
    second_card = await harness.wait_card(2)
    drafts = [await harness.draft_of_card(first_card), await harness.draft_of_card(second_card)]
    harness.api.blocked_chats.add(OTHER_BUYER)
    set_blocked, failures = store.set_blocked, []

    def failing_once(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - desk.store.set_blocked, failing once
        if not failures:
            failures.append("raised")
            raise ShopUnavailable("the database went away")
        return set_blocked(*args, **kwargs)

    monkeypatch.setattr(store, "set_blocked", failing_once)
    now = datetime.now(timezone.utc)
    harness.db(lambda s: [send_as_is(WEB_AGENT, d, session=s, now=now) for d in drafts])  # one batch
    await harness.wait_for(lambda: _statuses(harness, drafts[1]) == ["failed"] * 2, what="the later round")
    await harness.wait_for(lambda: harness.edits_of(second_card), what="the second card marked")
    assert failures == ["raised"]
    assert harness.to_buyer() == REPLIES[:2] and _statuses(harness, drafts[0]) == ["sent", "sent"]
    first_edits, second_edits = harness.edits_of(first_card), harness.edits_of(second_card)
    assert len(first_edits) == 1 and _head("done_sent") in first_edits[0], first_edits
    assert len(second_edits) == 1 and texts.agent("blocked") in second_edits[0], second_edits
