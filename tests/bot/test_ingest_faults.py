"""Fault test: the real gateway process (`python -m bot.serve`) is SIGKILLed and its
PostgreSQL stopped while buyers write, against the Bot API stand-in and the fake
Rasa. Every buyer message must be answered exactly once.

The kills come at moments that lost messages before: right after a burst was
handed out by getUpdates (ptb confirmed it before storing it) and three times in a
row; the database restarts while a burst is being fetched. Each waits for a
condition, never a fixed time.

Rasa holds its answers around each kill, so no chat is between a reply reaching
Telegram and the reply's record: a kill in that window (a few milliseconds)
sends the reply again at the next start, since Telegram cannot be asked whether
it arrived and a repeated answer is better than none (docs/architecture.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from paths import PROJECT_ROOT
from shop.db.devpg import PostgresServer
from shop.db.engine import dispose_engine, make_engine
from shop.demo import load_demo
from shop.models import InboundMessage
from tests.bot.conftest import AGENT_CHAT, AGENTS, user
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import FakeRasa, Turn

pytestmark = pytest.mark.postgres

BUYERS = [6001 + i for i in range(10)]


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class Shop:
    """The world around one gateway process: buyers, the stand-ins, the database."""

    def __init__(self, api: FakeBotApi, rasa: FakeRasa, db_url: str, pg: PostgresServer, var: Path) -> None:
        self.api, self.rasa, self.db_url, self.pg, self.var = api, rasa, db_url, pg, var
        self.process: subprocess.Popen[bytes] | None = None
        self.sent: list[int] = []  # message numbers buyers sent
        self.starts = 0

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=self.api.token,
            TELEGRAM_BASE_URL=self.api.url,
            RASA_URL=self.rasa.url,
            DATABASE_URL=self.db_url,
            AGENT_CHAT_ID=str(AGENT_CHAT),
            AGENT_IDS=",".join(map(str, AGENTS)),
            VAR_DIR=str(self.var),
            RASA_RETRY_SECONDS="0.05",
            RASA_RETRY_MAX_SECONDS="0.2",
            STORE_RETRY_SECONDS="0.05",
            STORE_RETRY_MAX_SECONDS="0.3",
            CHAT_SEND_INTERVAL_SECONDS="0",
            GROUP_SEND_INTERVAL_SECONDS="0",
        )
        return env

    def start(self) -> None:
        self.starts += 1
        polls = len(self.api.polls)
        log = (self.var / f"gateway-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.serve"], cwd=PROJECT_ROOT, env=self.env(), stdout=log, stderr=log
        )
        wait_for(lambda: len(self.api.polls) > polls or self.process.poll() is not None, "the gateway polls")
        assert self.process.poll() is None, self.log_tail()

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.process = None

    def log_tail(self) -> str:
        return (self.var / f"gateway-{self.starts}.log").read_text(errors="replace")[-3000:]

    def burst(self, count: int) -> list[int]:
        """`count` buyer messages at once (round-robin over the buyers); their update ids."""
        updates = []
        for _ in range(count):
            number = len(self.sent) + 1
            buyer = BUYERS[number % len(BUYERS)]
            self.sent.append(number)
            chat = {"id": buyer, "type": "private", "first_name": f"U{buyer}"}
            message = {"message_id": number, "date": int(time.time()), "chat": chat, "from": user(buyer)}
            updates.append({"message": {**message, "text": f"第{number}条"}})
        return self.api.push_many(updates)

    def answers(self) -> Counter[int]:
        """How often each message number was answered."""
        found: Counter[int] = Counter()
        for buyer in BUYERS:
            for text in self.api.texts_to(buyer):
                if text.startswith("亲，收到第"):
                    found[int(text.removeprefix("亲，收到第").removesuffix("条～"))] += 1
        return found

    def answered(self) -> int:
        return len(self.answers())


@pytest.fixture
def shop(pg_url: str, pg_server: PostgresServer, demo_data: dict, tmp_path: Path) -> Iterator[Shop]:
    with Session(make_engine(pg_url)) as session, session.begin():
        load_demo(session, data=demo_data)
    api, rasa = FakeBotApi().start(), FakeRasa().start()
    for number in range(1, 200):
        rasa.script[f"第{number}条"] = Turn("greet", 0.99, [f"亲，收到第{number}条～"])
    world = Shop(api, rasa, pg_url, pg_server, tmp_path)
    try:
        yield world
    finally:
        world.stop()
        if world.pg.datadir.exists() and not (world.pg.datadir / "postmaster.pid").exists():
            world.pg.start()  # the rest of the session needs its server
        api.stop()
        rasa.stop()


def test_kills_and_a_database_outage_lose_nothing_and_answer_nothing_twice(shop: Shop) -> None:
    rasa, api = shop.rasa, shop.api
    # Rasa holds its answers while the gateway is killed: every chat is mid-turn (module docstring).
    rasa.hold()
    shop.start()
    # 1. A burst of 60, killed as soon as getUpdates handed it out (ptb lost 47 here).
    burst = shop.burst(60)
    wait_for(lambda: api.times_handed_out(burst[-1]) >= 1, "the burst fetched")
    shop.kill()
    # 2. Killed three times in a row, each time with every chat waiting for Rasa (40 more).
    for size in (14, 13, 13):
        rasa.release()
        wait_for(lambda: rasa.waiting == 0, "the dead process's turns released")
        rasa.hold()
        shop.start()
        burst = shop.burst(size)
        wait_for(lambda b=burst: api.times_handed_out(b[-1]) >= 1, "the burst fetched")
        wait_for(lambda: rasa.waiting == len(BUYERS), "every chat waiting for Rasa")
        shop.kill()
    rasa.release()
    shop.start()
    wait_for(lambda: shop.answered() == len(shop.sent), "every message answered after the kills")
    # 3. The database stops while a burst arrives: it is fetched again and again, never confirmed.
    shop.pg.stop("fast")  # a restart: connections cut, committed rows kept
    try:
        burst = shop.burst(10)
        wait_for(lambda: api.times_handed_out(burst[0]) >= 6, "the burst fetched again and again")
        assert api.pending_updates() == len(burst)
        assert shop.process is not None and shop.process.poll() is None
    finally:
        shop.pg.start()
        shop.pg.wait_ready()
    wait_for(lambda: shop.answered() == len(shop.sent), f"all {len(shop.sent)} answered")
    wait_for(lambda: api.pending_updates() == 0, "every update confirmed")

    def unfinished() -> int:
        with Session(make_engine(shop.db_url)) as session:
            stmt = select(InboundMessage).where(InboundMessage.status.in_(("pending", "processing")))
            return len(list(session.scalars(stmt)))

    wait_for(lambda: unfinished() == 0, "every stored message finished")
    shop.stop()
    dispose_engine(shop.db_url)
    answers = shop.answers()
    assert sorted(answers) == shop.sent  # none lost
    assert [n for n, times in answers.items() if times > 1] == []  # none answered twice
