"""Answers real buyers expect (issue 19), end to end through `bot.simulate --json`.

Pre-sale policy questions answered for a buyer with no orders, size advice that
checks stock, pasted links and numbers, the linking format. Facts are checked
(days, hours, sizes, colours, quantities), not the wording of one variant.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_drafts import assert_none_of_ahua, reply_of, sizes_named

pytestmark = pytest.mark.e2e
ASKS_TO_LINK = ("后四位", "核实")


def test_policy_questions_before_buying_are_answered_without_an_order(simulate):
    records = simulate(
        [
            "你们家支持七天无理由退货吗",
            "退货运费谁出呀",
            "",
            "你們家支持七天無理由退貨嗎",
            "退貨運費誰出呀",
            "",
            "今天拍什么时候发货",
        ],
        buyer="tb_newbie",
    )
    rule, postage, rule_t, postage_t, dispatch = records
    for record in (rule, rule_t):
        reply = reply_of(record)
        assert record["intent"] == "request_return"
        # The 7-day rule, its condition, and the excluded product from its own flag.
        assert "7天" in reply and "吊牌完好" in reply and "塑形无痕内衣套装" in reply, reply
    for record in (postage, postage_t):
        reply = reply_of(record)
        assert "运费险" in reply and "3个工作日" in reply, reply
    assert "48小时" in reply_of(dispatch) and "中通快递" in reply_of(dispatch)
    for record in records:
        assert not any(word in reply_of(record) for word in ASKS_TO_LINK), record
        assert not record["handoff"] and record["policy_violations"] == []


def test_a_buyer_with_orders_asking_the_rule_gets_the_rule(simulate):
    (record,) = simulate(["你们家支持七天无理由退货吗"])
    assert "7天" in reply_of(record) and "塑形无痕内衣套装" in reply_of(record)
    assert "哪一笔" not in reply_of(record) and "哪个订单" not in reply_of(record)


@pytest.mark.parametrize(
    "text", ["身高167 体重124斤 想要0201红色 穿什么码", "身高167 體重124斤 想要0201紅色 穿什麼碼"]
)
def test_size_advice_says_the_advised_size_is_out_and_offers_it_in_stock(simulate, text):
    (record,) = simulate([text], buyer="tb_newbie")
    reply = reply_of(record)
    assert record["intent"] == "ask_size"
    assert sizes_named(reply) == {"L"}, reply  # never a size the chart did not advise
    assert "红色L码" in reply and "7天" in reply, reply  # out, back in about 7 days
    assert "驼色4件" in reply, reply  # the same size in the colour that has it
    assert record["policy_violations"] == []


def test_a_pasted_product_link_means_that_product(simulate):
    records = simulate(
        [
            "https://detail.tmall.com/item.htm?id=712345600108 这件有货吗",
            "",
            "这个链接 https://item.taobao.com/item.htm?id=712345600201 有L码吗",
        ],
        buyer="tb_newbie",
    )
    stock, size = records
    assert "收腰棉质衬衫连衣裙" in reply_of(stock), stock
    assert "红色羊毛大衣" in reply_of(size), size
    for record in records:
        assert "哪一款" not in reply_of(record), record


def test_a_bare_order_id_or_waybill_number_means_where_is_this(simulate):
    order, waybill, foreign = simulate(["5021873340003", "75300000000031", "SF1000000009001"])
    for record in (order, waybill):
        assert record["intent"] == "ask_order_status" and not record["handoff"], record
        assert "深蓝色直筒牛仔裤" in reply_of(record) and "75300000000031" in reply_of(record), record
    # tb_ahua's parcel: tb_linlin gets nothing about it.
    assert foreign["intent"] == "ask_order_status"
    assert_none_of_ahua(reply_of(foreign))
    (own,) = simulate(["SF1000000009001"], buyer="tb_ahua")
    assert "酒红色真丝衬衫" in reply_of(own) and "SF1000000009001" in reply_of(own), own


def test_the_linking_format_is_read_as_linking(simulate):
    wrong, right = simulate(["订单号1234567890123 手机尾号5678", "訂單號5021873340003 手機尾號3821"])
    for record in (wrong, right):
        assert record["intent"] is None and not record["handoff"], record  # the gateway's, never Rasa's
    assert "没有对上" in reply_of(wrong)
    assert "核实成功" in reply_of(right)
