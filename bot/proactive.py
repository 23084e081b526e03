"""Sends the shop's unasked messages (desk/proactive.py) from python-telegram-bot's JobQueue.

Every `CHECK_EVERY` the job records what is due (committed before anything is sent),
then delivers each queued message and marks it sent. A crash between the two leaves
the row queued, so the next run (after a restart too) sends it; a row is never sent
twice by two runs because marking it is a conditional UPDATE from "queued" and runs
never overlap (ptb runs a repeating job's next run only after scheduling, and
`max_instances` is 1 by default in APScheduler).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes

from bot.buyers import send_to_buyer
from bot.gateway import CHANNEL, Gateway
from desk import proactive
from shop.db.errors import ShopUnavailable
from shop.policy.config import load_policy

log = logging.getLogger(__name__)

JOB_NAME = "proactive_messages"
CHECK_EVERY = timedelta(minutes=5)


async def send_due(gw: Gateway) -> int:
    """One run: record what is due, then send what is queued; returns how many went out."""
    now = gw.clock()
    policy = load_policy()
    if proactive.in_quiet_hours(now, policy.proactive.quiet_hours, ZoneInfo(gw.routing.timezone)):
        return 0
    await gw.db(
        lambda s: proactive.record_due(
            session=s, now=now, policy=policy, channel=CHANNEL, shop_wide=gw.shop_wide
        )
    )
    outgoing = await gw.db(lambda s: proactive.to_send(session=s, now=now, policy=policy, channel=CHANNEL))
    sent = 0
    for message in outgoing:
        delivered = await send_to_buyer(gw, message.chat_id, message.conversation_id, message.text)
        status, reason = ("sent", None) if delivered else ("skipped", "blocked")
        await gw.db_until_done(
            lambda s, m=message, st=status, r=reason: proactive.mark(
                m.id, st, reason=r, session=s, now=gw.clock()
            )
        )
        sent += delivered
    return sent


async def proactive_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue callback; a database outage just waits for the next run."""
    try:
        await send_due(context.application.bot_data["gateway"])
    except ShopUnavailable:
        log.warning("the database is unavailable; proactive messages wait for the next run")


def schedule(app: Application) -> None:
    """Runs the job every CHECK_EVERY, the first time CHECK_EVERY after start-up."""
    if app.job_queue is None:  # pragma: no cover - the job-queue extra is in the lock file
        raise RuntimeError("python-telegram-bot[job-queue] (APScheduler) is not installed")
    app.job_queue.run_repeating(proactive_job, interval=CHECK_EVERY, first=CHECK_EVERY, name=JOB_NAME)
