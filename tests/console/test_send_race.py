"""A Telegram agent and a web agent pressing Send on the same draft at once: the buyer gets it once.

The Telegram desk (bot/desk.py) claims with desk.agent_actions.claim_for_send;
the console with console.desk_work.send_as_is, which claims the same way and
queues the outbound rows in the same transaction. Run on both backends.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone

from sqlalchemy import select

from console.accounts import Person
from console.desk_work import send_as_is
from desk import agent_actions
from shop.db.engine import session_scope
from shop.models import AgentDecision, OutboundMessage
from tests.console.seed import buyer_message, draft_state

WEB_AGENT = Person(1, "web1", "web1", "agent")


def _race(db_url: str, n: int) -> None:
    seeded = buyer_message(db_url, f"同时发送 {n}", replies=("亲，您好，有货的哦",))
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def web() -> None:
        start.wait()
        with session_scope(db_url) as session:
            results["web"] = send_as_is(
                WEB_AGENT, seeded.draft_id, session=session, now=datetime.now(timezone.utc)
            ).ok

    def telegram() -> None:
        start.wait()
        with session_scope(db_url) as session:
            claimed = agent_actions.claim_for_send(
                seeded.draft_id, "111", channel="telegram", session=session, now=datetime.now(timezone.utc)
            )
            results["telegram"] = not isinstance(claimed, str)
            if not isinstance(claimed, str):  # the Telegram desk then sends and records it as sent
                for reply in claimed.replies:
                    session.add(
                        OutboundMessage(
                            channel="telegram",
                            chat_id=claimed.chat_id,
                            draft_id=seeded.draft_id,
                            text=reply,
                            status="sent",
                            created_at=datetime.now(timezone.utc),
                        )
                    )

    threads = [threading.Thread(target=web), threading.Thread(target=telegram)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results.values()) == [False, True], results
    assert draft_state(db_url, seeded.draft_id) == "sent"
    with session_scope(db_url) as session:
        sent = session.scalars(
            select(OutboundMessage).where(OutboundMessage.draft_id == seeded.draft_id)
        ).all()
        sends = session.scalars(
            select(AgentDecision).where(
                AgentDecision.draft_id == seeded.draft_id, AgentDecision.action == "send"
            )
        ).all()
    assert len(sent) == 1 and len(sends) == 1


def test_telegram_and_web_agents_racing_send_once(db_url):
    for n in range(5):
        _race(db_url, n)
