"""The agent desk through the real ptb client: cards, buttons, edits, take-over, duty."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from desk import texts
from desk.inbox import list_items
from shop.models import AgentDecision, Conversation, Draft
from tests.bot.conftest import AGENT_CHAT, OUTSIDER, SUPERVISOR, Harness
from tests.fakes.rasa import Turn

COMPLAINT = "衣服质量太差了"
APOLOGY = "亲，非常抱歉给您带来不好的体验，我们马上为您处理～"


async def _card(harness: Harness, text: str = COMPLAINT) -> tuple[int, int]:
    """A buyer complaint's card: (card message id, draft id)."""
    harness.rasa.script[COMPLAINT] = Turn(
        "complain", 0.95, [APOLOGY], meta={"facts": {"order_id": "5021873340003"}, "rule": "complaint_apology"},
        runner_up=("request_return", 0.03),
    )  # fmt: skip
    await harness.start()
    harness.buyer_says(text)
    card_id = await harness.wait_card()
    return card_id, await harness.draft_of_card(card_id)


def _policy_warning(harness: Harness) -> str | None:
    """The desk's policy-check warning, once it was posted."""
    prefix = texts.agent("policy_blocked", reasons="")[:6]
    return next((t for t in harness.desk_texts() if t.startswith(prefix)), None)


def _decisions(harness: Harness) -> list[tuple[str, str, str | None]]:
    rows = harness.db(lambda s: list(s.scalars(select(AgentDecision).order_by(AgentDecision.id))))
    return [(d.action, d.agent_user_id, d.text) for d in rows]


async def test_the_card_shows_what_an_agent_needs_and_send_delivers_it(harness: Harness) -> None:
    card_id, draft_id = await _card(harness)
    card = harness.cards()[0]
    for part in (
        COMPLAINT,
        "complain",
        "0.95",
        "request_return",
        "5021873340003",
        "complaint_apology",
        APOLOGY,
        "不自动发送",
    ):
        assert part in card.text, part
    buttons = [b["callback_data"] for row in card.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [f"send:{draft_id}", f"edit:{draft_id}", f"reject:{draft_id}", f"take:{draft_id}"]
    harness.press(11, card_id, f"send:{draft_id}")
    await harness.wait_for(lambda: harness.to_buyer() == [APOLOGY], what="sent")
    await harness.wait_for(lambda: harness.edits_of(card_id), what="card done")
    assert "U11" in harness.edits_of(card_id)[0]
    assert harness.db(lambda s: s.scalars(select(Draft.state)).one()) == "sent"
    assert _decisions(harness) == [("send", "11", None)]
    assert harness.api.calls_of("answerCallbackQuery")


async def test_two_agents_pressing_send_at_once_send_exactly_once(harness: Harness) -> None:
    card_id, draft_id = await _card(harness)
    harness.api.push_many(
        [
            harness.press_update(11, card_id, f"send:{draft_id}"),
            harness.press_update(12, card_id, f"send:{draft_id}"),
        ]
    )
    await harness.wait_for(
        lambda: len(harness.api.calls_of("answerCallbackQuery")) == 2, what="both answered"
    )
    # The loser is answered before anything is sent; the winner edits the card after sending.
    await harness.wait_for(lambda: harness.edits_of(card_id), what="card done")
    assert harness.to_buyer() == [APOLOGY]
    answers = [c.params.get("text") for c in harness.api.calls_of("answerCallbackQuery")]
    assert texts.agent("already_handled") in answers
    assert [a for a, _, _ in _decisions(harness)] == ["send"]


async def test_someone_not_an_agent_is_politely_refused(harness: Harness) -> None:
    card_id, draft_id = await _card(harness)
    harness.press(OUTSIDER, card_id, f"send:{draft_id}")
    await harness.wait_for(lambda: harness.api.calls_of("answerCallbackQuery"), what="refusal")
    assert harness.api.calls_of("answerCallbackQuery")[0].params["text"] == texts.agent("not_agent")
    assert harness.to_buyer() == []
    assert harness.db(lambda s: s.scalars(select(Draft.state)).one()) == "pending"


async def test_an_edit_breaking_policy_is_held_until_fixed(harness: Harness) -> None:
    card_id, draft_id = await _card(harness)
    harness.press(11, card_id, f"edit:{draft_id}")
    await harness.wait_for(lambda: harness.api.calls_of("answerCallbackQuery"), what="edit hint")
    harness.agent_says(11, "加我微信 abc12345 私聊，给你退款", reply_to=card_id)
    warning = await harness.wait_for(lambda: _policy_warning(harness), what="policy warning")
    assert "亲" in warning or "您" in warning  # the checker's Chinese reasons are shown
    assert harness.to_buyer() == []
    fixed = "亲，真的很抱歉，我们这就为您安排退换，请您放心～"
    harness.agent_says(11, fixed, reply_to=card_id)
    await harness.wait_for(lambda: harness.to_buyer() == [fixed], what="fixed text sent")
    await harness.wait_for(lambda: harness.edits_of(card_id), what="card done")
    assert [a for a, _, _ in _decisions(harness)] == ["edit", "edit"]
    # Rewritten almost completely: the trainers get it.
    assert [i.reason for i in harness.db(lambda s: list_items(session=s))] == ["edited"]


async def test_a_supervisor_can_override_a_policy_warning(harness: Harness) -> None:
    card_id, _ = await _card(harness)
    blocked = "好的，马上处理"  # no polite address: the policy check holds it
    harness.agent_says(11, blocked, reply_to=card_id)
    # The card is a desk text too: wait for the warning itself, or /override may come first.
    await harness.wait_for(lambda: _policy_warning(harness), what="policy warning")
    harness.agent_says(11, "/override", reply_to=card_id)
    await harness.wait_for(lambda: texts.agent("override_denied") in harness.desk_texts(), what="denied")
    harness.agent_says(SUPERVISOR, "/override", reply_to=card_id)
    await harness.wait_for(lambda: harness.to_buyer() == [blocked], what="override sent")
    assert [(a, who) for a, who, _ in _decisions(harness)] == [("edit", "11"), ("override", str(SUPERVISOR))]


async def test_reject_sends_nothing_and_fills_the_trainers_inbox(harness: Harness) -> None:
    card_id, draft_id = await _card(harness)
    harness.press(11, card_id, f"reject:{draft_id}")
    await harness.wait_for(lambda: harness.edits_of(card_id), what="rejected card")
    edit = harness.api.calls_of("editMessageText", AGENT_CHAT)[0]
    intents = [b["callback_data"] for row in edit.params["reply_markup"]["inline_keyboard"] for b in row]
    assert len(intents) == 18
    harness.press(11, card_id, intents[7])  # request_return
    await harness.wait_for(lambda: len(harness.edits_of(card_id)) == 2, what="intent picked")
    assert harness.to_buyer() == []
    items = harness.db(lambda s: list_items(session=s))
    assert [(i.reason, i.text, i.model_intent, i.agent_intent) for i in items] == [
        ("rejected", COMPLAINT, "complain", "request_return")
    ]
    assert [a for a, _, _ in _decisions(harness)] == ["reject", "teach"]


async def test_take_over_routes_the_chat_to_agents_until_released(harness: Harness) -> None:
    card_id, draft_id = await _card(harness)
    harness.press(11, card_id, f"take:{draft_id}")
    await harness.wait_for(lambda: harness.edits_of(card_id), what="taken over")
    assert harness.db(lambda s: s.scalars(select(Conversation.mode)).one()) == "human"
    harness.agent_says(11, "亲，我是客服小木，您的问题我来跟进～", reply_to=card_id)
    await harness.wait_for(lambda: len(harness.to_buyer()) == 1, what="agent reply delivered")
    harness.rasa.script["好的谢谢"] = Turn("thank", 0.99, ["亲，不客气哦～有问题随时找我～"])
    harness.buyer_says("好的谢谢")
    second = await harness.wait_card(2)
    # In human mode the bot drafts for the agent's card only: nothing reaches the buyer on its own.
    assert harness.rasa.texts() == [COMPLAINT, "好的谢谢"]
    assert "亲，不客气哦～有问题随时找我～" in harness.cards()[1].text
    assert len(harness.to_buyer()) == 1
    harness.agent_says(11, "亲，不客气哦～", reply_to=second)
    await harness.wait_for(lambda: len(harness.to_buyer()) == 2, what="second agent reply")
    harness.agent_says(11, "/release", reply_to=second)
    await harness.wait_for(
        lambda: harness.db(lambda s: s.scalars(select(Conversation.mode)).one()) == "bot", what="released"
    )
    harness.rasa.script["你好"] = Turn("greet", 0.99, ["亲，您好呀～"])
    harness.buyer_says("你好")
    await harness.wait_for(lambda: harness.to_buyer()[-1:] == ["亲，您好呀～"], what="bot answers again")
    assert [a for a, _, _ in _decisions(harness)] == ["take_over", "send", "send", "release"]


async def test_agents_toggle_duty_and_human_first_then_holds_drafts(harness: Harness, tmp_path) -> None:
    routing = tmp_path / "routing.yml"
    hours = {d: ["00:00", "23:59"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    routing.write_text(
        yaml.safe_dump(
            {
                "mode": "human_first",
                "business_hours": hours,
                "intents": {"greet": {"auto_send": True, "threshold": 0.8}},
            }
        ),
        encoding="utf-8",
    )
    harness.rasa.script["你好"] = Turn("greet", 0.99, ["亲，您好呀～"])
    await harness.start(routing_file=routing)
    harness.buyer_says("你好")
    await harness.wait_for(lambda: harness.to_buyer() == ["亲，您好呀～"], what="auto-sent: nobody on duty")
    harness.agent_says(11, "/onduty")
    await harness.wait_for(lambda: harness.desk_texts(), what="duty reply")
    assert harness.desk_texts()[0] == texts.agent("on_duty", agent="U11", count=1)
    harness.buyer_says("你好")
    await harness.wait_card()
    assert "human_first" in harness.cards()[0].text
    harness.agent_says(11, "/offduty")
    await harness.wait_for(lambda: len(harness.desk_texts()) == 3, what="off duty reply")
    assert harness.desk_texts()[-1] == texts.agent("off_duty", agent="U11", count=0)


async def test_the_release_button_gives_the_chat_back_to_the_bot(harness: Harness) -> None:
    card_id, draft_id = await _card(harness)
    harness.press(11, card_id, f"take:{draft_id}")
    await harness.wait_for(lambda: harness.edits_of(card_id), what="taken over")
    edit = harness.api.calls_of("editMessageText", AGENT_CHAT)[0]
    assert edit.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"release:{draft_id}"
    harness.press(12, card_id, f"release:{draft_id}")
    await harness.wait_for(lambda: len(harness.edits_of(card_id)) == 2, what="released")
    assert harness.db(lambda s: s.scalars(select(Conversation.mode)).one()) == "bot"
    assert harness.db(lambda s: s.scalars(select(Draft.state)).one()) == "superseded"


def _answers(harness: Harness) -> list[str | None]:
    return [c.params.get("text") for c in harness.api.calls_of("answerCallbackQuery")]


async def test_a_long_buyer_message_makes_one_card_and_the_full_text_follows_without_buttons(
    harness: Harness,
) -> None:
    """Issue 16 item 12: one card with its buttons once; the whole message is still there."""
    long_text = "".join(
        f"第{n}句：这件衣服的领口和袖口都有问题，希望您尽快帮我看看怎么处理。" for n in range(120)
    )
    assert 4000 < len(long_text) <= 4096 * 2
    harness.rasa.script[long_text] = Turn("complain", 0.95, [APOLOGY])
    harness.rasa.script[COMPLAINT] = Turn("complain", 0.95, [APOLOGY])
    await harness.start()
    harness.buyer_says(COMPLAINT)  # some earlier context on the card
    await harness.wait_card()
    harness.buyer_says(long_text)
    await harness.wait_card(2)
    await harness.idle()
    desk = harness.api.calls_of("sendMessage", AGENT_CHAT)
    card = harness.cards()[1]
    assert len(harness.cards()) == 2  # one card per draft, not one per piece
    assert len(card.text.encode("utf-16-le")) // 2 <= 4096
    assert long_text not in card.text and long_text[:200] in card.text
    follow = [c for c in desk if c.params.get("_ok") and not c.params.get("reply_markup") and c is not card]
    assert follow and long_text in "".join(c.text or "" for c in follow).replace("\n", "")
    card_id = card.params["_message_id"]
    assert all(c.params["reply_parameters"]["message_id"] == card_id for c in follow)
