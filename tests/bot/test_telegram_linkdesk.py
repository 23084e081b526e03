"""Linking lock, desk buttons and unsure confirmations through the gateway, on SQLite and PostgreSQL.

Issue 16 items 4, 6 and 14: here the database matters (locks counted across
chat accounts, a return filed in the same transaction as the Send, a forged id
never reaching a foreign key), so `shop_engine` is overridden to run every test
on both backends.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from desk import texts
from shop.db.engine import make_engine
from shop.demo import load_demo
from shop.models import Draft, OrderItem, ReturnRequest
from shop.store.linking import ensure_verified_link, revoke_link
from tests.bot.conftest import BUYER, OTHER_BUYER, Harness
from tests.bot.test_telegram_buyers import _linked_account
from tests.bot.test_telegram_desk import APOLOGY, _answers, _card, _decisions
from tests.fakes.rasa import Turn

CONFIRMED = "好的亲，已经为您提交了退货申请～"


@pytest.fixture
def shop_engine(db_url: str, demo_data: dict) -> Engine:
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        load_demo(session, data=demo_data)
    return engine


async def test_many_accounts_guessing_one_order_are_locked_out(
    harness: Harness,
) -> None:
    """Issue 16 item 4 through the gateway: 3 accounts x 2 guesses stop at five, for everyone."""
    await harness.start()
    guessers = (7001, 7002, 7003)
    for guesser in guessers:
        harness.buyer_says("/link 5021873340002 0000", buyer=guesser)
        harness.buyer_says("/link 5021873340002 1111", buyer=guesser)
    await harness.wait_for(
        lambda: all(len(harness.to_buyer(g)) == 2 for g in guessers), what="every guess answered"
    )
    prefix = texts.buyer("link_locked", until="@@").split("@@")[0]
    answers = [text for g in guessers for text in harness.to_buyer(g)]
    failed = texts.buyer("link_failed", left="@@").split("@@")[0]
    # Four plain failures, then the fifth locks the order's buyer and the sixth is refused.
    assert sorted(text.startswith(prefix) for text in answers) == [False] * 4 + [True] * 2
    assert sum(text.startswith(failed) for text in answers) == 4
    # Linlin herself (right digits, fresh account) waits out the lock too.
    harness.buyer_says("/link 5021873340002 3821", buyer=OTHER_BUYER)
    await harness.wait_for(lambda: harness.to_buyer(OTHER_BUYER), what="locked reply")
    assert harness.to_buyer(OTHER_BUYER)[0].startswith(prefix)
    assert all(_linked_account(harness, g) is None for g in (*guessers, OTHER_BUYER))
    assert harness.desk_texts() == []


async def test_a_second_account_linking_to_a_buyer_is_told_to_the_desk(harness: Harness) -> None:
    await harness.start()
    harness.buyer_says("/link 5021873340002 3821")
    await harness.wait_for(lambda: harness.to_buyer() == [texts.buyer("link_ok")], what="first link")
    await harness.idle()
    assert harness.desk_texts() == []  # a buyer's first account is nothing to report
    harness.buyer_says("/link 5021873340001 3821", buyer=OTHER_BUYER)
    await harness.wait_for(lambda: harness.desk_texts(), what="the desk notice")
    assert harness.to_buyer(OTHER_BUYER) == [texts.buyer("link_ok")]
    assert harness.desk_texts() == [
        texts.agent(
            "link_second_account",
            buyer="tb_linlin",
            account=texts.channel_account("telegram", str(OTHER_BUYER)),
            others=1,
        )
    ]


async def test_forged_and_stale_buttons_are_answered_as_expired(harness: Harness) -> None:
    """Issue 16 item 14: every button's data is checked; nothing unknown reaches the database."""
    card_id, draft_id = await _card(harness)
    forged = [
        "intent:999999:3",  # no such draft
        "send:999999",
        f"intent:{draft_id}:99",  # no such intent
        f"intent:{draft_id}:-1",
        f"frobnicate:{draft_id}",
        "send:abc",
        "send:99999999999999999999",
        "",
        f"send:{draft_id}:1:2",
    ]
    for n, data in enumerate(forged, 1):
        harness.press(11, card_id, data)
        await harness.wait_for(lambda n=n: len(_answers(harness)) == n, what=f"answer to {data!r}")
    assert _answers(harness) == [texts.agent("button_expired")] * len(forged)
    # A real draft's button pressed on another message (not its card) is refused too.
    harness.press(11, card_id + 1000, f"send:{draft_id}")
    await harness.wait_for(lambda: len(_answers(harness)) == len(forged) + 1, what="foreign card")
    assert _answers(harness)[-1] == texts.agent("button_expired")
    assert harness.to_buyer() == []
    assert _decisions(harness) == []
    assert harness.db(lambda s: s.scalars(select(Draft.state)).one()) == "pending"
    # The real card still works.
    harness.press(11, card_id, f"send:{draft_id}")
    await harness.wait_for(lambda: harness.to_buyer() == [APOLOGY], what="sent")


async def test_teach_is_refused_on_a_draft_never_rejected(harness: Harness) -> None:
    card_id, draft_id = await _card(harness)
    harness.press(11, card_id, f"intent:{draft_id}:7")
    await harness.wait_for(lambda: _answers(harness), what="refusal")
    assert _answers(harness) == [texts.agent("teach_not_rejected")]
    assert _decisions(harness) == []
    assert harness.db(lambda s: s.scalars(select(Draft.state)).one()) == "pending"
    # After a send it is still refused: the draft was right, there is nothing to teach.
    harness.press(11, card_id, f"send:{draft_id}")
    await harness.wait_for(lambda: harness.to_buyer() == [APOLOGY], what="sent")
    harness.press(11, card_id, f"intent:{draft_id}:7")
    await harness.wait_for(lambda: len(_answers(harness)) == 3, what="second refusal")
    assert _answers(harness)[-1] == texts.agent("teach_not_rejected")
    assert [a for a, _, _ in _decisions(harness)] == ["send"]


async def _unsure_confirmation_card(harness: Harness) -> tuple[int, int]:
    """A linked buyer's "？" that the model read as a weak yes to "file the return?"."""

    def setup(session):  # noqa: ANN001, ANN202
        ensure_verified_link("telegram", str(BUYER), "tb_linlin", session=session)
        return session.scalars(select(OrderItem.id).where(OrderItem.order_id == "5021873340004")).first()

    item_id = harness.db(setup)
    pending = {"order_item_id": item_id, "order_id": "5021873340004", "kind": "return", "reason": "no_reason"}
    harness.rasa.script["？"] = Turn(
        "affirm", 0.49, [CONFIRMED],
        meta={"rule": "return_confirmation_unsure", "facts": {"file_on_send": pending},
              "handoff": True, "handoff_reason": "unsure_confirmation"},
    )  # fmt: skip
    await harness.start()
    harness.buyer_says("？")
    card_id = await harness.wait_card()
    return card_id, await harness.draft_of_card(card_id)


def _requests(harness: Harness) -> int:
    return harness.db(lambda s: len(s.scalars(select(ReturnRequest)).all()))


async def test_an_unsure_confirmation_is_filed_by_the_agents_send(harness: Harness) -> None:
    """Issue 16 item 6: the return is filed when the agent sends the confirmation, not before."""
    card_id, draft_id = await _unsure_confirmation_card(harness)
    assert texts.agent("card_files_on_send") in harness.cards()[0].text
    assert _requests(harness) == 0
    harness.press(11, card_id, f"send:{draft_id}")
    await harness.wait_for(lambda: harness.to_buyer() == [CONFIRMED], what="sent")
    assert _requests(harness) == 1


async def test_an_unsure_confirmation_rejected_files_nothing(harness: Harness) -> None:
    card_id, draft_id = await _unsure_confirmation_card(harness)
    harness.press(11, card_id, f"reject:{draft_id}")
    await harness.wait_for(lambda: harness.edits_of(card_id), what="rejected")
    assert _requests(harness) == 0


async def test_a_confirmation_that_can_no_longer_be_filed_is_not_sent(harness: Harness) -> None:
    card_id, draft_id = await _unsure_confirmation_card(harness)
    harness.db(lambda s: revoke_link("telegram", str(BUYER), session=s))  # unlinked meanwhile
    harness.press(11, card_id, f"send:{draft_id}")
    await harness.wait_for(lambda: harness.api.calls_of("answerCallbackQuery"), what="answer")
    assert harness.api.calls_of("answerCallbackQuery")[0].params["text"] == texts.agent("return_not_filed")
    assert harness.to_buyer() == [] and _requests(harness) == 0
    assert harness.db(lambda s: s.scalars(select(Draft.state)).one()) == "pending"


async def test_an_unsure_confirmation_rewritten_by_the_agent_files_nothing(harness: Harness) -> None:
    card_id, _ = await _unsure_confirmation_card(harness)
    asked = "亲，请问是要为您提交这件毛衣的退货申请吗？回复「是」就帮您提交～"
    harness.agent_says(11, asked, reply_to=card_id)
    await harness.wait_for(lambda: harness.to_buyer() == [asked], what="the agent's question")
    assert _requests(harness) == 0
