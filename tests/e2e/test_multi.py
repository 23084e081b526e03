"""Several questions in one message, end to end through `bot.simulate --json` (issue 19 item 3).

The assertions check which questions were answered, in which order, with which
facts, and how the reply was routed, not the wording of a template variant.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def _intents(record: dict) -> list[str]:
    return [part["intent"] for part in record.get("parts", [])]


def test_every_question_of_a_message_is_answered_in_one_reply(simulate):
    coat, traditional, stock_then_dispatch, stock_then_fabric, single = simulate(
        [
            "这个大衣包邮不 能开发票吗",
            "",
            "這件大衣包郵嗎？可以開發票嗎",
            "",
            "请问这款0201有货吗，今天拍什么时候发货？",
            "",
            "0201还有货吗？这个面料是什么",
            "",
            "身高162 体重115斤，0201穿什么码",
        ]
    )
    for record in (coat, traditional):
        assert _intents(record) == ["ask_shipping_fee", "ask_invoice"], record
        (reply,) = record["replies"]
        assert "包邮" in reply and "发票" in reply, reply
        assert reply.index("包邮") < reply.index("发票"), "answered in the buyer's order"
        assert record["policy_violations"] == []
    # A stock question, then "if I order today, when is it sent": the shop's dispatch rule.
    assert _intents(stock_then_dispatch)[0] == "ask_stock", stock_then_dispatch
    assert _intents(stock_then_dispatch)[1] in ("ask_order_status", "ask_shipping_fee"), stock_then_dispatch
    first, second = stock_then_dispatch["parts"]
    assert "红色羊毛大衣" in "".join(first["replies"]) and "发货" in "".join(second["replies"])
    assert len(stock_then_dispatch["replies"]) == 1
    # The product named in the first part is the one the second part is answered about.
    assert _intents(stock_then_fabric) == ["ask_stock", "ask_fabric_care"], stock_then_fabric
    assert "羊毛" in "".join(stock_then_fabric["parts"][1]["replies"]), stock_then_fabric
    # One question written in two clauses stays one question.
    assert "parts" not in single and single["intent"] == "ask_size", single
    for record in (coat, traditional, stock_then_dispatch, stock_then_fabric):
        # Routed by the strictest part: on its own only when every part would go on its own.
        assert record["auto_send"] == all(part["auto_send"] for part in record["parts"]), record
        assert record["handoff"] == any(part["handoff"] for part in record["parts"]), record
