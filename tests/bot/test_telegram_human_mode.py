"""Human mode through the Telegram gateway (issue 19 item 5): a buyer who asks for a person
is told who answers and when; the bot then only drafts for the agents until an agent
releases the chat or no agent acted for the quiet time (responses/routing.yml)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from desk import conversation, store, texts
from shop.models import Conversation, Draft
from tests.bot.conftest import BUYER, Harness
from tests.fakes.rasa import Turn

SHOP_TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=SHOP_TZ)  # business hours (tests/bot/routing.yml)
SATURDAY_23 = datetime(2026, 12, 12, 23, 0, tzinfo=SHOP_TZ)  # closed; Sunday opens at 10:00
HANDOFF = Turn(
    "request_human", 0.97, ["好的亲，这就为您转接人工客服，请您稍等片刻哦～"],
    meta={"handoff": True, "handoff_reason": "request_human", "rule": "request_human"},
)  # fmt: skip
GREETING = "亲，您好呀～"
DISPATCH = "亲，现货付款后48小时内发货哦～"


class Clock:
    """The gateway's clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def _start(harness: Harness, now: datetime, ask: str) -> Clock:
    harness.rasa.script[ask] = HANDOFF
    harness.rasa.script["你好"] = Turn("greet", 0.99, [GREETING])
    harness.rasa.script["大衣什么时候发货"] = Turn("ask_order_status", 0.95, [DISPATCH])
    await harness.start()
    clock = Clock(now)
    harness.gateway.clock = clock
    return clock


def _mode(harness: Harness) -> str:
    return harness.db(lambda s: s.scalars(select(Conversation.mode)).one())


@pytest.mark.parametrize("ask", ["转人工 发票抬头开错了怎么改", "人工客服，發票抬頭開錯了"])
async def test_a_person_asked_for_beside_a_question_is_a_request_for_a_person(
    harness: Harness, ask: str
) -> None:
    """The model reads "转人工 + a question" as the question (here ask_invoice, confident, auto-sendable):
    the routing file's agent words still make it a request for a person, with the same notice and mode."""
    await harness.start()
    harness.rasa.script[ask] = Turn("ask_invoice", 0.99, ["亲，发票抬头可以在订单详情里修改哦～"])
    harness.gateway.clock = Clock(MONDAY_10)
    harness.buyer_says(ask)
    notice = texts.buyer("human_soon", minutes=5)
    await harness.wait_for(lambda: harness.to_buyer() == [notice], what="who answers and when")
    card = await harness.wait_card(1)
    assert _mode(harness) == "human"
    assert texts.text("route_reasons.human_requested") in harness.cards()[0].text
    draft_id = await harness.draft_of_card(card)
    meta = harness.db(lambda s: s.get(Draft, draft_id).meta)
    assert meta["agent_word"] == "人工"  # what a restarted gateway reads (bot/recovery.py)


@pytest.mark.parametrize("ask", ["我要转人工", "我要轉人工"])
async def test_asking_for_a_person_tells_when_and_the_bot_then_drafts_only_for_agents(
    harness: Harness, ask: str
) -> None:
    clock = await _start(harness, MONDAY_10, ask)
    harness.buyer_says(ask)
    notice = texts.buyer("human_soon", minutes=5)
    await harness.wait_for(lambda: harness.to_buyer() == [notice], what="who answers and when")
    await harness.wait_card(1)
    assert _mode(harness) == "human"
    assert texts.text("route_reasons.human_requested") in harness.cards()[0].text
    # How to answer is the card's own line: the reason is shown by every front end (web, simulator).
    assert texts.agent("card_human_mode") in harness.cards()[0].text
    assert "卡片" not in texts.text("route_reasons.human_requested")

    harness.buyer_says("你好")
    second = await harness.wait_card(2)
    draft_id = await harness.draft_of_card(second)
    assert GREETING in harness.cards()[1].text  # drafted through Rasa, for the card only
    assert harness.rasa.texts() == [ask, "你好"]
    assert harness.to_buyer() == [notice]
    await conversation._holding(harness.gateway, draft_id, 0)  # the card's holding timer, run now
    assert harness.to_buyer() == [notice]  # no holding message either: the buyer knows who answers
    assert harness.db(lambda s: s.get(Draft, draft_id).state) == "pending"

    # An agent sends the bot's draft with one tap, without taking over: the chat stays with the agents.
    clock.now += timedelta(minutes=20)
    harness.press(11, second, f"send:{draft_id}")
    await harness.wait_for(lambda: harness.to_buyer() == [notice, GREETING], what="the agent's send")
    clock.now += timedelta(minutes=25)  # 45 minutes in human mode, 25 since the agent acted
    harness.buyer_says("大衣什么时候发货")
    third = await harness.wait_card(3)
    assert harness.to_buyer() == [notice, GREETING]
    assert _mode(harness) == "human"
    harness.press(11, third, f"send:{await harness.draft_of_card(third)}")
    await harness.wait_for(lambda: harness.to_buyer()[-1:] == [DISPATCH], what="the agent's second send")

    # No agent acted for the quiet time (30 minutes): the bot answers on its own again.
    clock.now += timedelta(minutes=31)
    harness.buyer_says("你好")
    await harness.wait_for(
        lambda: harness.to_buyer() == [notice, GREETING, DISPATCH, GREETING], what="bot again"
    )
    assert _mode(harness) == "bot"


async def test_outside_business_hours_the_buyer_hears_when_the_shop_opens(harness: Harness) -> None:
    await _start(harness, SATURDAY_23, "我要轉人工")
    harness.buyer_says("我要轉人工")
    opens = texts.text("buyer.opens.tomorrow", time="10:00")
    notice = texts.buyer("human_later", opens=opens)
    await harness.wait_for(lambda: harness.to_buyer() == [notice], what="when the shop opens")
    assert "明天10:00" in notice
    await harness.wait_card(1)


async def test_a_released_chat_gets_the_bots_answers_again(harness: Harness) -> None:
    await _start(harness, MONDAY_10, "我要转人工")
    harness.buyer_says("我要转人工")
    first = await harness.wait_card(1)
    draft_id = await harness.draft_of_card(first)
    harness.press(12, first, f"release:{draft_id}")
    await harness.wait_for(lambda: _mode(harness) == "bot", what="released")
    harness.buyer_says("大衣什么时候发货")
    await harness.wait_for(lambda: harness.to_buyer()[-1:] == [DISPATCH], what="the bot answers")


async def test_a_restart_sends_the_unsent_notice_and_shows_the_agents_its_card(harness: Harness) -> None:
    """The last run died after deciding to tell the buyer an agent answers, before sending it."""
    notice = texts.buyer("human_soon", minutes=5)

    def died_before_the_notice(session):  # noqa: ANN001, ANN202
        inbound, _ = store.record_inbound(
            channel="telegram", update_key="4242", chat_id=str(BUYER), user_id=str(BUYER), text="我要转人工",
            session=session,
        )  # fmt: skip
        conv = store.ensure_conversation("telegram", str(BUYER), str(BUYER), session=session)
        store.mark_inbound(inbound.id, "done", session=session)
        store.set_mode(conv.id, "human", session=session)
        store.record_draft(
            conversation_id=conv.id, inbound_id=inbound.id, texts=[notice], intent="request_human",
            confidence=0.97, meta={"handoff": True, "handoff_reason": "request_human"}, auto_send=True,
            route_reason=texts.text("route_reasons.human_requested"), session=session,
        )  # fmt: skip

    harness.db(died_before_the_notice)
    await harness.start()
    await harness.wait_for(lambda: harness.to_buyer() == [notice], what="the notice")
    await harness.wait_card(1)
    assert harness.db(lambda s: s.scalars(select(Draft.state)).one()) == "sent"
