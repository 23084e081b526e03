"""Follow-up tasks reach the agents: a stale-parcel draft opens one, /followups lists it, /claim, /close."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from desk import follow_ups, texts
from shop.models import FollowUpTask, utcnow
from tests.bot.conftest import OUTSIDER, Harness
from tests.fakes.rasa import Turn

QUIET = "T恤怎么一直没动静"
SORRY = "亲，非常抱歉，包裹有几天没有更新了，已经登记给专门的同事跟进～"
STALE_META = {
    "rule": "tracking_stale",
    "handoff": True,
    "handoff_reason": "tracking_stale",
    "follow_up": "tracking_stale",
    "follow_ups": [{"order_id": "5021873340006", "reason": "tracking_stale"}],
}


def _tasks(harness: Harness) -> list[FollowUpTask]:
    return harness.db(lambda s: list(s.scalars(select(FollowUpTask).order_by(FollowUpTask.id))))


async def _answer(harness: Harness, agent: int, command: str) -> str:
    """What the desk answers to the agent's command (the next message to the group)."""
    before = len(harness.desk_texts())
    harness.agent_says(agent, command)
    await harness.wait_for(lambda: len(harness.desk_texts()) > before, what=f"answer to {command}")
    return harness.desk_texts()[before]


async def _stale_parcel_task(harness: Harness) -> int:
    harness.rasa.script[QUIET] = Turn("ask_order_status", 0.97, [SORRY], meta=STALE_META)
    harness.rasa.script["还是没动静"] = Turn("ask_order_status", 0.97, [SORRY], meta=STALE_META)
    await harness.start()
    harness.buyer_says(QUIET)
    await harness.wait_card()
    harness.buyer_says("还是没动静")
    await harness.wait_card(2)
    [task] = _tasks(harness)  # the desk created it with the draft, once for both messages
    return task.id


async def test_a_promised_follow_up_is_listed_claimed_and_closed(harness: Harness) -> None:
    task_id = await _stale_parcel_task(harness)

    listing = await _answer(harness, 11, "/followups")
    for part in (f"#{task_id}", follow_ups.reason_text("tracking_stale"), "tb_linlin", "5021873340006"):
        assert part in listing, part
    assert texts.agent("followups_overdue_mark") not in listing  # minutes old, not overdue

    assert await _answer(harness, 11, "/claim") == texts.agent("followup_claim_usage")
    assert await _answer(harness, 11, "/claim 第一个") == texts.agent("followup_claim_usage")
    assert await _answer(harness, 11, "/claim 0") == texts.agent("followup_claim_usage")
    assert await _answer(harness, 11, "/claim 987654") == texts.agent("followup_not_open", id=987654)
    # Full-width digits, as a Chinese keyboard types them.
    wide = str(task_id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert "U11" in await _answer(harness, 11, f"/claim {wide}")
    assert await _answer(harness, 12, f"/claim #{task_id}") == texts.agent(
        "followup_claimed_by_other", id=task_id, agent="11"
    )
    assert "客服 11" in await _answer(harness, 12, "/followups")

    assert await _answer(harness, 12, f"/close {task_id}") == texts.agent("followup_note_missing", id=task_id)
    assert _tasks(harness)[0].done_at is None
    closed = await _answer(harness, 12, f"/close {task_id}　已联系韵达，明天派送")
    assert "U12" in closed and "已联系韵达，明天派送" in closed
    [task] = _tasks(harness)
    assert (task.done_by, task.note, task.claimed_by) == ("12", "已联系韵达，明天派送", "11")
    assert task.done_at is not None
    assert await _answer(harness, 11, f"/close {task_id} 再关一次") == texts.agent(
        "followup_not_open", id=task_id
    )
    assert await _answer(harness, 11, "/followups") == texts.agent("followups_none")


async def test_overdue_tasks_are_flagged_and_only_agents_see_the_list(harness: Harness) -> None:
    task_id = await _stale_parcel_task(harness)
    harness.db(
        lambda s: s.get(FollowUpTask, task_id).__setattr__("created_at", utcnow() - timedelta(hours=30))
    )
    listing = await _answer(harness, 12, "/followups")
    assert f"#{task_id} {texts.agent('followups_overdue_mark')}" in listing
    assert texts.agent("followup_age_days", days=1, hours=6) in listing
    assert await _answer(harness, OUTSIDER, "/followups") == texts.agent("followup_not_agent")
    assert await _answer(harness, OUTSIDER, f"/claim {task_id}") == texts.agent("followup_not_agent")
    assert _tasks(harness)[0].claimed_by is None


async def test_the_list_has_a_claim_button_per_unclaimed_task(harness: Harness) -> None:
    task_id = await _stale_parcel_task(harness)
    listing = await _answer(harness, 11, "/followups")
    sent = next(c for c in harness.api.calls_of("sendMessage") if c.text == listing)
    [[button]] = sent.params["reply_markup"]["inline_keyboard"]
    assert (button["text"], button["callback_data"]) == (
        texts.agent("button_claim", id=task_id),
        f"fuclaim:{task_id}",
    )
    list_id = sent.params["_message_id"]

    before = len(harness.desk_texts())
    harness.press(OUTSIDER, list_id, f"fuclaim:{task_id}")
    await harness.wait_for(lambda: harness.api.calls_of("answerCallbackQuery"), what="outsider answered")
    assert harness.api.calls_of("answerCallbackQuery")[0].params.get("text") == texts.agent(
        "followup_not_agent"
    )
    assert _tasks(harness)[0].claimed_by is None

    harness.press(12, list_id, f"fuclaim:{task_id}")
    await harness.wait_for(lambda: len(harness.desk_texts()) > before, what="claim posted")
    assert "U12" in harness.desk_texts()[before]
    assert _tasks(harness)[0].claimed_by == "12"
    # A claimed task gets no button in the next list.
    await _answer(harness, 11, "/followups")
    assert not harness.api.calls_of("sendMessage")[-1].params.get("reply_markup")
