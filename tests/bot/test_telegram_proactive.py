"""Proactive messages through the real ptb application: scheduled by the app, sent once, restart-safe.

The job function is driven directly with the gateway's clock set by the test (no waiting
for the scheduler); one test checks that the application schedules it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.proactive import CHECK_EVERY, JOB_NAME, send_due
from desk import proactive, store
from shop.models import ProactiveMessage, utcnow
from shop.policy.config import load_policy
from shop.store.linking import ensure_verified_link
from tests.bot.conftest import BUYER, OTHER_BUYER, Harness

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = load_policy()


def _daytime_after(hours: int) -> datetime:
    """The first moment at least `hours` from now that is outside the quiet hours."""
    moment = utcnow() + timedelta(hours=hours)
    while proactive.in_quiet_hours(moment, POLICY.proactive.quiet_hours, SHANGHAI):
        moment += timedelta(minutes=30)
    return moment


def _night_after(hours: int) -> datetime:
    moment = utcnow() + timedelta(hours=hours)
    while not proactive.in_quiet_hours(moment, POLICY.proactive.quiet_hours, SHANGHAI):
        moment += timedelta(minutes=30)
    return moment


def _link(harness: Harness, chat: int = BUYER, buyer: str = "tb_linlin") -> None:
    def work(session) -> None:  # noqa: ANN001
        store.ensure_conversation("telegram", chat, chat, session=session)
        ensure_verified_link("telegram", str(chat), buyer, session=session)

    harness.db(work)


def _statuses(harness: Harness) -> list[str]:
    return harness.db(lambda s: sorted(s.scalars(select(ProactiveMessage.status))))


async def test_the_application_schedules_the_job(harness: Harness) -> None:
    await harness.start()
    [job] = harness.app.job_queue.get_jobs_by_name(JOB_NAME)
    assert job.job.trigger.interval == CHECK_EVERY
    # The first run is one interval after start-up, not at once (a restart does not flood).
    assert job.next_t - utcnow() > CHECK_EVERY - timedelta(seconds=30)


async def test_reminder_and_notice_go_to_the_linked_buyer_once(harness: Harness) -> None:
    await harness.start()
    _link(harness)
    _link(harness, OTHER_BUYER, "tb_ahua")
    harness.gateway.clock = lambda: _daytime_after(POLICY.remind_unpaid_after_hours)
    assert await send_due(harness.gateway) == 2
    texts = harness.to_buyer()
    assert len(texts) == 2
    assert any("针织打底连衣裙" in t and "付款" in t for t in texts)
    assert any("43100000000066" in t for t in texts)
    assert harness.to_buyer(OTHER_BUYER) == []  # tb_ahua has nothing due
    # Every later run, and a restart, sends nothing again.
    assert await send_due(harness.gateway) == 0
    await harness.stop()
    await harness.start()
    harness.gateway.clock = lambda: _daytime_after(POLICY.remind_unpaid_after_hours + 1)
    assert await send_due(harness.gateway) == 0
    assert len(harness.to_buyer()) == 2
    assert _statuses(harness) == ["sent", "sent"]


async def test_nothing_is_sent_or_recorded_in_quiet_hours(harness: Harness) -> None:
    await harness.start()
    _link(harness)
    harness.gateway.clock = lambda: _night_after(POLICY.remind_unpaid_after_hours)
    assert await send_due(harness.gateway) == 0
    assert harness.to_buyer() == [] and _statuses(harness) == []


async def test_a_message_recorded_before_a_crash_is_sent_after_the_restart(harness: Harness) -> None:
    _link(harness)
    now = _daytime_after(POLICY.remind_unpaid_after_hours)
    # The last run committed its records and died before sending.
    harness.db(lambda s: proactive.record_due(session=s, now=now, policy=POLICY, channel="telegram"))
    assert _statuses(harness) == ["queued", "queued"]
    await harness.start()
    harness.gateway.clock = lambda: now + timedelta(minutes=5)
    assert await send_due(harness.gateway) == 2
    assert len(harness.to_buyer()) == 2 and _statuses(harness) == ["sent", "sent"]
