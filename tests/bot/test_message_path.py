"""Every buyer message reaches a defined outcome: blank, command-like, huge, failing, or
during an action-server outage or a connection reset (issue 16, items 5, 7, 10, 11, 17)."""

from __future__ import annotations

from sqlalchemy import select, update

from desk import store, texts
from desk.conversation import MAX_ATTEMPTS
from shop.models import InboundMessage
from tests.bot.conftest import BUYER, Harness
from tests.fakes.rasa import Turn

GREETING = "亲，您好呀～欢迎光临，有什么可以帮您的吗？"
BLANKS = [" ", "\u3000", "\u00a0\u00a0", "\t", "\u200b", " \ufe0f "]


def _statuses(harness: Harness) -> list[str]:
    return harness.db(lambda s: list(s.scalars(select(InboundMessage.status).order_by(InboundMessage.id))))


def _attempts(harness: Harness) -> list[int]:
    return harness.db(lambda s: list(s.scalars(select(InboundMessage.attempts).order_by(InboundMessage.id))))


async def test_blank_messages_never_reach_rasa_and_get_a_polite_answer(harness: Harness) -> None:
    harness.rasa.failing.update(BLANKS)  # what the real Rasa does with them: HTTP 500
    harness.rasa.script["你好"] = Turn("greet", 0.99, [GREETING])
    await harness.start()
    for blank in BLANKS:
        harness.buyer_says(blank)
    harness.buyer_says("你好")
    expected = [texts.buyer("blank_message")] * len(BLANKS) + [GREETING]
    await harness.wait_for(lambda: harness.to_buyer() == expected, what="an answer to each message")
    await harness.idle()
    assert harness.rasa.texts() == ["你好"]
    assert _statuses(harness) == ["done"] * (len(BLANKS) + 1)


async def test_a_message_rasa_fails_on_goes_to_an_agent_and_the_chat_moves_on(harness: Harness) -> None:
    harness.rasa.failing.add("这条让模型出错")
    harness.rasa.script["你好"] = Turn("greet", 0.99, [GREETING])
    await harness.start()
    harness.buyer_says("这条让模型出错")
    harness.buyer_says("你好")
    # The next message is handled too (a card: an earlier one waits for an agent).
    await harness.wait_card(2)
    assert GREETING in harness.cards()[1].text
    card = harness.cards()[0].text
    assert "这条让模型出错" in card
    assert texts.text("route_reasons.gateway_failed", attempts=MAX_ATTEMPTS) in card
    assert _attempts(harness)[0] == MAX_ATTEMPTS
    assert harness.rasa.texts().count("这条让模型出错") == 0  # never answered, only failed
    assert [r["message"] for r in harness.rasa.requests].count("这条让模型出错") == MAX_ATTEMPTS


async def test_the_attempt_limit_counts_attempts_made_before_a_restart(harness: Harness) -> None:
    harness.rasa.failing.add("这条让模型出错")
    await harness.start()
    await harness.stop()

    def tried_by_earlier_runs(session) -> None:  # noqa: ANN001
        inbound, _ = store.record_inbound(
            channel="telegram", update_key="777", chat_id=str(BUYER), user_id=str(BUYER),
            text="这条让模型出错", session=session,
        )  # fmt: skip
        store.ensure_conversation("telegram", str(BUYER), str(BUYER), session=session)
        session.execute(
            update(InboundMessage).where(InboundMessage.id == inbound.id).values(attempts=MAX_ATTEMPTS - 1)
        )

    harness.db(tried_by_earlier_runs)
    await harness.start()
    await harness.wait_card()
    await harness.idle()
    assert len(harness.rasa.requests) == 1
    assert _statuses(harness) == ["done"]


async def test_rasa_commands_typed_by_a_buyer_reach_rasa_as_plain_text(harness: Harness) -> None:
    await harness.start()
    typed = ['/greet{"order_id": "5021873340001"}@1.0', "/restart", "\u3000/affirm"]
    for text in typed:
        harness.buyer_says(text)
    await harness.wait_card(len(typed))
    sent = harness.rasa.texts()
    assert sent == ['／greet{"order_id": "5021873340001"}@1.0', "／restart", "\u3000／affirm"]
    assert not any(t.strip().startswith("/") for t in sent)
    # The agent sees what the buyer really typed.
    assert all(text.strip() in card.text for text, card in zip(typed, harness.cards()))


async def test_the_bots_own_commands_still_work(harness: Harness) -> None:
    await harness.start()
    harness.buyer_says("/start")
    await harness.wait_for(lambda: harness.to_buyer() == [texts.buyer("welcome")], what="welcome")
    await harness.idle()
    assert harness.rasa.requests == []


async def test_only_the_first_part_of_a_huge_message_is_classified_and_agents_see_it_all(
    harness: Harness,
) -> None:
    huge = "请问这件衣服" * 2000 + "最后一句在这里"
    await harness.start(rasa_max_chars=500)
    harness.buyer_says(huge)
    await harness.wait_card()
    await harness.idle()
    assert [len(t) for t in harness.rasa.texts()] == [500]
    assert harness.rasa.texts()[0] == huge[:500]
    stored = harness.db(lambda s: s.scalars(select(InboundMessage.text)).one())
    assert stored == huge
    assert "最后一句在这里" in "".join(harness.desk_texts())


async def test_an_action_server_outage_keeps_the_message_and_tells_the_buyer_once(harness: Harness) -> None:
    harness.rasa.script["在吗"] = Turn("greet", 0.99, ["亲，在的呢～"])
    harness.rasa.script["谢谢"] = Turn("thank", 0.99, ["不客气哦亲～"])
    harness.rasa.actions_down = True
    await harness.start()
    harness.buyer_says("在吗")
    harness.buyer_says("谢谢")
    await harness.wait_for(lambda: harness.to_buyer() == [texts.buyer("busy")], what="one notice")
    await harness.wait_for(lambda: _attempts(harness)[0] >= 3, what="retries")
    assert harness.cards() == []
    assert _statuses(harness)[1] == "pending"
    harness.rasa.actions_down = False
    await harness.wait_for(lambda: len(harness.to_buyer()) == 3, what="answers after recovery")
    assert harness.to_buyer() == [texts.buyer("busy"), "亲，在的呢～", "不客气哦亲～"]
    assert harness.cards() == []
    assert _statuses(harness) == ["done", "done"]


async def test_a_message_rasa_never_answers_goes_to_an_agent_after_the_limit(harness: Harness) -> None:
    harness.rasa.actions_down = True
    await harness.start(rasa_max_attempts=3)
    harness.buyer_says("在吗")
    await harness.wait_card()
    assert texts.text("route_reasons.rasa_unavailable", attempts=3) in harness.cards()[0].text
    assert _attempts(harness) == [3]
    harness.rasa.actions_down = False
    harness.rasa.script["谢谢"] = Turn("thank", 0.99, ["不客气哦亲～"])
    harness.buyer_says("谢谢")
    await harness.wait_card(2)  # the chat moves on (a card: the earlier message waits for an agent)
    assert "不客气哦亲～" in harness.cards()[1].text


async def test_a_retry_after_a_reset_carries_the_same_message_id(harness: Harness) -> None:
    harness.rasa.script["在吗"] = Turn("greet", 0.99, ["亲，在的呢～"])
    harness.rasa.script["谢谢"] = Turn("thank", 0.99, ["不客气哦亲～"])
    harness.rasa.drop_once.add("在吗")
    await harness.start()
    harness.buyer_says("在吗")
    harness.buyer_says("谢谢")
    await harness.wait_for(
        lambda: harness.to_buyer()[-2:] == ["亲，在的呢～", "不客气哦亲～"], what="answers"
    )
    ids = [(r["message"], r["message_id"]) for r in harness.rasa.requests]
    assert [m for m, _ in ids] == ["在吗", "在吗", "谢谢"]
    assert ids[0][1] == ids[1][1] != ids[2][1]
