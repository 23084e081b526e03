"""A message of several questions: every part answered in one reply, routed by the strictest part."""

import asyncio
from datetime import datetime, timezone

import pytest

from desk.parts import join_replies, merged_meta
from desk.pipeline import draft_reply
from desk.rasa_client import RasaClient, RasaUnavailable
from desk.routing import parse_routing
from shop.policy import check_text
from tests.fakes.rasa import FakeRasa, Turn

ROUTING = parse_routing(
    {
        "mode": "bot_first",
        "intents": {
            "ask_shipping_fee": {"auto_send": True, "threshold": 0.8},
            "ask_stock": {"auto_send": True, "threshold": 0.8},
            "ask_invoice": {"auto_send": True, "threshold": 0.8},
            "greet": {"auto_send": True, "threshold": 0.8},
        },
    }
)
NOW = datetime(2026, 11, 24, 4, 0, tzinfo=timezone.utc)
SHIPPING = Turn("ask_shipping_fee", 0.97, ["您好亲～本店全场包邮哦"])
INVOICE = Turn("ask_invoice", 0.96, ["亲，可以开电子发票的，下单后留言抬头和税号就好～"])


@pytest.fixture
def rasa():
    fake = FakeRasa().start()
    yield fake
    fake.stop()


def _draft(rasa: FakeRasa, text: str, *, message_id: str | None = "m1"):
    async def run():
        client = RasaClient((rasa.url,))
        try:
            return await draft_reply(
                client,
                "tg-1",
                text,
                channel="telegram",
                user_id="1",
                routing=ROUTING,
                check_context=None,
                now=NOW,
                message_id=message_id,
            )
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_both_questions_are_answered_in_one_reply_in_the_buyers_order(rasa):
    rasa.script.update({"这个大衣包邮不": SHIPPING, "能开发票吗": INVOICE})
    draft = _draft(rasa, "这个大衣包邮不 能开发票吗")
    assert draft.replies == ["您好亲～本店全场包邮哦\n另外，可以开电子发票的，下单后留言抬头和税号就好～"]
    assert check_text(draft.replies[0]) == []
    assert draft.auto_send, draft.decision.reason
    assert [p["intent"] for p in draft.as_json()["parts"]] == ["ask_shipping_fee", "ask_invoice"]
    assert draft.text == "这个大衣包邮不 能开发票吗", "the draft is of the buyer's one message"
    assert [p["intent"] for p in draft.meta["parts"]] == ["ask_shipping_fee", "ask_invoice"]


def test_each_part_is_its_own_turn_in_order_with_its_own_message_id(rasa):
    rasa.script.update(
        {"请问这款0201有货吗": Turn("ask_stock", 0.95, ["亲，0201有货哦"]), "今天拍什么时候发货？": SHIPPING}
    )
    _draft(rasa, "请问这款0201有货吗，今天拍什么时候发货？", message_id="telegram-7-1")
    turns = [(r["sender"], r["message"], r["message_id"]) for r in rasa.received]
    assert turns == [
        ("tg-1", "请问这款0201有货吗", "telegram-7-1#1"),
        ("tg-1", "今天拍什么时候发货？", "telegram-7-1#2"),
    ]


def test_a_part_that_needs_an_agent_sends_the_whole_reply_to_an_agent(rasa):
    complaint = Turn(
        "complain",
        0.97,
        ["亲，真的很抱歉，同事马上为您处理"],
        meta={"handoff": True, "handoff_reason": "complaint"},
    )
    rasa.script.update({"这个大衣包邮不": SHIPPING, "衣服破了怎么回事？": complaint})
    draft = _draft(rasa, "这个大衣包邮不，衣服破了怎么回事？")
    assert not draft.auto_send
    assert draft.intent == "complain" and draft.decision.code == "handoff"
    assert draft.handoff and draft.meta["handoff_reason"] == "complaint"
    assert len(draft.replies) == 1 and "包邮" in draft.replies[0] and "抱歉" in draft.replies[0]


def test_a_part_below_its_threshold_holds_the_reply(rasa):
    rasa.script.update(
        {"這件大衣包郵嗎？": SHIPPING, "可以開發票嗎": Turn("ask_invoice", 0.5, ["亲，可以开发票的～"])}
    )
    draft = _draft(rasa, "這件大衣包郵嗎？可以開發票嗎")  # Traditional
    assert [p.intent for p in draft.parts] == ["ask_shipping_fee", "ask_invoice"]
    assert not draft.auto_send and draft.decision.code == "below_threshold"
    assert draft.intent == "ask_invoice"


def test_a_single_question_is_one_turn_and_asks_the_model_nothing_more(rasa):
    rasa.script["身高160体重100斤，穿什么码"] = Turn("ask_size", 0.99, ["亲，建议M码哦"])
    draft = _draft(rasa, "身高160体重100斤，穿什么码")
    assert rasa.parsed == [] and [r["message_id"] for r in rasa.received] == ["m1"]
    assert "parts" not in draft.as_json() and draft.parts == []


def test_clauses_the_model_reads_as_one_question_stay_one_turn(rasa):
    rasa.script.update({"有L码吗": Turn("ask_stock", 0.9), "有M码吗": Turn("ask_stock", 0.9)})
    rasa.script["有L码吗，有M码吗"] = Turn("ask_stock", 0.95, ["亲，L码和M码都有哦"])
    draft = _draft(rasa, "有L码吗，有M码吗")
    assert rasa.parsed == ["有L码吗", "有M码吗"]
    assert rasa.texts() == ["有L码吗，有M码吗"] and draft.replies == ["亲，L码和M码都有哦"]


def test_rasa_down_while_planning_keeps_the_message(rasa):
    rasa.down = True
    with pytest.raises(RasaUnavailable):
        _draft(rasa, "这个大衣包邮不 能开发票吗")


def test_a_part_without_a_reply_leaves_the_others_for_the_agent(rasa):
    rasa.script.update({"这个大衣包邮不": SHIPPING, "能开发票吗": Turn("ask_invoice", 0.9, [])})
    draft = _draft(rasa, "这个大衣包邮不 能开发票吗")
    assert not draft.auto_send and draft.decision.code == "no_draft"
    assert draft.replies == ["您好亲～本店全场包邮哦"]


def test_join_drops_repeated_answers_and_later_greetings():
    assert join_replies([["亲，有货哦"], ["亲，有货哦"]]) == ["亲，有货哦"]
    assert join_replies([["亲～A"], ["好的亲，B", "亲，C"]]) == ["亲～A\n另外，B\n亲，C"]
    assert join_replies([[], []]) == []


def test_merged_meta_keeps_what_any_part_asked_for():
    metas = [
        {"action": "action_stock", "handoff": False, "facts": {"product_code": "0201"}},
        {"action": "action_order_status", "rule": "link_needed", "handoff": True, "handoff_reason": "x",
         "follow_up": "tracking_stale", "facts": {"follow_up_task_id": 3}},
    ]  # fmt: skip
    meta = merged_meta(metas, primary=0)
    assert meta["action"] == "action_stock" and meta["handoff"] and meta["handoff_reason"] == "x"
    assert meta["facts"] == {"product_code": "0201", "link_needed": True, "follow_up_task_id": 3}
    assert meta["follow_up"] == "tracking_stale"
