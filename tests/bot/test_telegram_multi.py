"""Several questions in one Telegram message: one reply, one card, one trainer item (issue 19 item 3)."""

from __future__ import annotations

from sqlalchemy import select

from desk.inbox import list_items
from shop.models import Draft
from tests.bot.conftest import Harness
from tests.fakes.rasa import Turn

MESSAGE = "这个大衣包邮不 能开发票吗"
SHIPPING = "您好亲～本店全场包邮哦"
INVOICE = "亲，可以开电子发票的，下单后留言抬头和税号就好～"
JOINED = "您好亲～本店全场包邮哦\n另外，可以开电子发票的，下单后留言抬头和税号就好～"


def _script(
    harness: Harness,
    invoice_confidence: float = 0.9,
    parts: tuple[str, str] = ("这个大衣包邮不", "能开发票吗"),
) -> None:
    harness.rasa.script.update(
        {
            parts[0]: Turn("ask_shipping_fee", 0.95, [SHIPPING]),
            parts[1]: Turn("ask_invoice", invoice_confidence, [INVOICE]),
        }
    )


def _drafts(harness: Harness) -> list[Draft]:
    return harness.db(lambda s: list(s.scalars(select(Draft).order_by(Draft.id))))


async def test_both_answers_go_out_as_one_message(harness: Harness) -> None:
    _script(harness)
    await harness.start()
    harness.buyer_says(MESSAGE)
    await harness.wait_for(lambda: harness.to_buyer() == [JOINED], what="joined reply")
    await harness.idle()
    (draft,) = _drafts(harness)
    assert draft.auto_send and draft.texts == [JOINED]
    assert [p["intent"] for p in draft.meta["parts"]] == ["ask_shipping_fee", "ask_invoice"]
    assert harness.rasa.texts() == ["这个大衣包邮不", "能开发票吗"]
    assert harness.cards() == []


async def test_one_unsure_part_sends_the_whole_message_to_one_card_and_one_inbox_item(
    harness: Harness,
) -> None:
    # Below ask_invoice's 0.60: an agent answers all of it. Traditional, as the buyer wrote it.
    _script(harness, invoice_confidence=0.55, parts=("這個大衣包郵不", "能開發票嗎"))
    await harness.start()
    harness.buyer_says("這個大衣包郵不 能開發票嗎")
    card_id = await harness.wait_card()
    card = harness.cards()[0].text
    assert card.count("這個大衣包郵不 能開發票嗎") == 1, "the card quotes the buyer's one message"
    assert "ask_shipping_fee 0.95 · ask_invoice 0.55" in card
    assert SHIPPING in card and "另外，可以开电子发票" in card
    assert harness.to_buyer() == [], "nothing of it goes out on its own"
    items = harness.db(lambda s: list_items(session=s))
    assert [(i.reason, i.text) for i in items] == [("low_confidence", "這個大衣包郵不 能開發票嗎")]
    draft_id = await harness.draft_of_card(card_id)
    harness.press(11, card_id, f"send:{draft_id}")
    await harness.wait_for(lambda: harness.to_buyer() == [JOINED], what="sent by the agent")
