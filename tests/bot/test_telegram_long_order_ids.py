"""A buyer of a real Taobao/Tmall shop links her chat with her 19-digit order id (issue 21).

Every form the bot accepts (/link, the labelled format in Simplified or Traditional,
the bare numbers right after the bot asked) takes the long id; another buyer's
long id with her phone digits links nobody.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from desk import texts
from shop.models import Buyer, Order, OrderItem
from shop.store.linking import buyer_for_chat
from tests.bot.conftest import BUYER, Harness
from tests.fakes.rasa import Turn

MEI_ORDER, MEI_PHONE = "4027731846512093318", "2468"
DAWEI_ORDER = "3962518804417726402"
LINK_PROMPT = "亲，为了保护您的隐私，查询订单前需要先核实一下身份哦～请发一下订单号和手机号后四位～"


def _taobao_buyers(session: Session) -> None:
    for account, tail, order_id in (("tb_mei", MEI_PHONE, MEI_ORDER), ("tb_dawei", "1357", DAWEI_ORDER)):
        buyer = Buyer(account=account, name=account, phone_last4=tail)
        session.add(buyer)
        session.add(Order(id=order_id, buyer=buyer, status="paid"))
        session.add(OrderItem(order_id=order_id, product_code="0201", color="红色", size="M", price=299))


def _linked_account(harness: Harness) -> str | None:
    found = harness.db(lambda s: buyer_for_chat("telegram", str(BUYER), session=s))
    return found.account if found else None


@pytest.mark.parametrize(
    "text",
    [
        f"/link {MEI_ORDER} {MEI_PHONE}",
        f"订单号{MEI_ORDER} 手机尾号{MEI_PHONE}",
        f"訂單號：{MEI_ORDER}，手機尾號：{MEI_PHONE}",
    ],
)
async def test_a_19_digit_order_id_links_the_chat(harness: Harness, text: str) -> None:
    harness.db(_taobao_buyers)
    await harness.start()
    harness.buyer_says(text)
    await harness.wait_for(lambda: texts.buyer("link_ok") in harness.to_buyer(), what="linked")
    assert _linked_account(harness) == "tb_mei"
    assert harness.rasa.texts() == []


async def test_bare_19_digits_and_phone_link_after_the_bot_asked(harness: Harness) -> None:
    harness.db(_taobao_buyers)
    harness.rasa.script["我的订单到哪了"] = Turn(
        "ask_order_status", 0.97, [LINK_PROMPT], meta={"rule": "link_needed", "action": "action_order_status"}
    )
    await harness.start()
    harness.buyer_says("我的订单到哪了")
    harness.buyer_says(f"{MEI_ORDER} {MEI_PHONE}")
    await harness.wait_for(lambda: texts.buyer("link_ok") in harness.to_buyer(), what="linked")
    assert _linked_account(harness) == "tb_mei"


async def test_another_buyers_19_digit_order_links_nobody(harness: Harness) -> None:
    harness.db(_taobao_buyers)
    await harness.start()
    harness.buyer_says(f"/link {DAWEI_ORDER} {MEI_PHONE}")
    await harness.wait_for(lambda: len(harness.to_buyer()) == 1, what="the answer")
    assert harness.to_buyer() == [texts.buyer("link_failed", left=4)]
    assert _linked_account(harness) is None
