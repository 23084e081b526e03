"""Web console speed: ``python -m bench.console [--drafts 100000] [--backend sqlite|postgresql|both]``.

Not part of ``make bench``. Seeds DRAFTS drafts with bulk inserts (most decided,
about a hundred waiting for an agent, conversations with a history both ways),
starts the real console (``python -m console``, uvicorn) on the database, signs
in as an agent over HTTP, then times GET of the queue page and of a conversation
page (p50/p95 after a warm-up) and how long a new waiting draft takes to reach
an open queue (server-sent events; p50/max). Issue 20's targets: pages <= 100 ms
p95 with 100k drafts, a new draft in the open queue <= 1 s. Writes
bench/results/console.md.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from console import accounts
from desk import store
from paths import PROJECT_ROOT
from shop.db.devpg import start_postgres, stop_postgres
from shop.db.engine import dispose_engine, make_engine, session_scope
from shop.db.migrate import upgrade
from shop.models import AgentDecision, Conversation, Draft, InboundMessage, OutboundMessage
from stack.servers import free_port

RESULTS = Path(__file__).with_name("results") / "console.md"
AGENT, PASSWORD = "bench_agent", "bench-agent-pass"
DRAFTS_PER_CONVERSATION = 8
WAITING = 100
BATCH = 5_000
QUESTIONS = ["这件大衣M码适合165吗", "什么时候发货呀", "可以便宜一点吗", "快递到哪了", "有没有黑色的", "能开发票吗"]  # fmt: skip
REPLIES = ["亲，M码合适的哦", "亲，48小时内发货哦", "亲，已经是活动价了哦", "亲，包裹在路上了哦", "亲，黑色有货的哦"]  # fmt: skip
INTENTS = ["ask_size", "ask_shipping_time", "bargain", "where_is_my_parcel", "ask_stock", "ask_invoice"]


@dataclass(frozen=True)
class Seeded:
    drafts: int
    waiting: int
    conversations: int
    seconds: float
    conversation_draft: int  # a waiting draft whose chat has a full history


def _rows(drafts: int, now: datetime, rng: random.Random) -> dict[type, list[dict[str, Any]]]:
    """Every row of the seed, ids given here so that the tables can be bulk-inserted in one pass."""
    waiting = min(WAITING, max(1, drafts // 10))
    n_conv = max(waiting, drafts // DRAFTS_PER_CONVERSATION)
    start = now - timedelta(days=30)
    step = (timedelta(days=30) - timedelta(hours=3)) / max(1, drafts)
    rows: dict[type, list[dict[str, Any]]] = {
        Conversation: [],
        InboundMessage: [],
        Draft: [],
        AgentDecision: [],
        OutboundMessage: [],
    }
    for c in range(1, n_conv + 1):
        chat = f"8{c:08d}"
        rows[Conversation].append(
            {"id": c, "channel": "telegram", "chat_id": chat, "user_id": chat, "mode": "bot",
             "created_at": start, "updated_at": start}
        )  # fmt: skip
    out_id = 0
    for i in range(1, drafts + 1):
        conv = (i - 1) % n_conv + 1
        chat = f"8{conv:08d}"
        is_waiting = i > drafts - waiting  # the newest drafts, one per chat: the last word of their chats
        at = now - timedelta(minutes=rng.uniform(0.5, 180)) if is_waiting else start + step * i
        k = rng.randrange(len(INTENTS))
        rows[InboundMessage].append(
            {"id": i, "channel": "telegram", "bot_id": "", "update_key": f"b{i}", "chat_id": chat,
             "user_id": chat, "kind": "text", "text": QUESTIONS[k], "received_at": at, "status": "done",
             "processed_at": at, "attempts": 1}
        )  # fmt: skip
        roll = rng.random()
        auto = not is_waiting and roll < 0.35
        state = (
            "pending"
            if is_waiting
            else ("sent" if roll < 0.8 else "rejected" if roll < 0.92 else "superseded")
        )
        reply = REPLIES[k % len(REPLIES)]
        confidence = round(rng.uniform(0.9, 0.99) if auto else rng.uniform(0.3, 0.9), 3)
        rows[Draft].append(
            {"id": i, "inbound_id": i, "conversation_id": conv, "intent": INTENTS[k], "confidence": confidence,
             "texts": [reply], "meta": {"rule": "size_between", "intent_ranking": [{"name": INTENTS[k],
             "confidence": confidence}]}, "policy_violations": [], "auto_send": auto,
             "route_reason": None if auto else "置信度低于阈值", "state": state, "created_at": at,
             "state_changed_at": None if is_waiting else at + timedelta(seconds=40)}
        )  # fmt: skip
        if state in ("sent", "rejected") and not auto:
            action = "reject" if state == "rejected" else ("edit" if roll < 0.2 else "send")
            rows[AgentDecision].append(
                {"draft_id": i, "agent_user_id": f"agent{rng.randrange(4)}", "action": action,
                 "text": reply + "～" if action == "edit" else None, "corrected_intent": None,
                 "decided_at": at + timedelta(seconds=40)}
            )  # fmt: skip
        if state == "sent":
            out_id += 1
            rows[OutboundMessage].append(
                {"id": out_id, "channel": "telegram", "chat_id": chat, "draft_id": i, "text": reply,
                 "status": "sent", "created_at": at + timedelta(seconds=41), "sent_at": at + timedelta(seconds=42)}
            )  # fmt: skip
    return rows


def seed(url: str, drafts: int, *, seed_value: int = 20) -> Seeded:
    """Migrate, bulk-insert the drafts and their chats, and make the agent who signs in."""
    upgrade(url)
    began = time.perf_counter()
    rows = _rows(drafts, datetime.now(timezone.utc), random.Random(seed_value))
    engine = make_engine(url)
    with Session(engine) as session:
        for model, table_rows in rows.items():
            for at in range(0, len(table_rows), BATCH):
                session.execute(insert(model), table_rows[at : at + BATCH])
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for model in rows:
                table = model.__tablename__
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    )
                )
        session.commit()
        if engine.dialect.name == "postgresql":
            session.connection().exec_driver_sql("ANALYZE")
        session.commit()
    with session_scope(url) as session:
        accounts.create(AGENT, PASSWORD, "agent", created_by="bench", session=session)
    waiting = sum(1 for d in rows[Draft] if d["state"] == "pending")
    return Seeded(
        drafts=drafts,
        waiting=waiting,
        conversations=len(rows[Conversation]),
        seconds=time.perf_counter() - began,
        conversation_draft=rows[Draft][-1]["id"],
    )


class ConsoleProcess:
    """`python -m console` on a database, on a free port, until stopped."""

    def __init__(self, url: str, var_dir: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=url, CONSOLE_PORT=str(self.port), CONSOLE_SECRET="bench-" * 8)
        env["VAR_DIR"] = str(var_dir)
        self.log = open(var_dir / "console.log", "w+", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "console"], cwd=PROJECT_ROOT, env=env, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base_url}/signin", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the console did not start: {self._log_tail()}")
            time.sleep(0.2)

    def _log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read()[-2000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def sign_in(client: httpx.Client) -> None:
    """As a browser does: the form's CSRF token, then the form."""
    form = client.get("/signin")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, "no CSRF token in the sign-in form"
    done = client.post("/signin", data={"csrf": token.group(1), "username": AGENT, "password": PASSWORD})
    assert done.status_code in (302, 303), f"sign-in failed: {done.status_code}"


def time_get(client: httpx.Client, path: str, *, requests: int, warmup: int = 10) -> dict[str, float]:
    """p50/p95 of GET `path` in milliseconds (each answer must be a 200 page)."""
    for _ in range(warmup):
        assert client.get(path).status_code == 200, path
    took = []
    for _ in range(requests):
        began = time.perf_counter()
        answer = client.get(path)
        took.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, f"GET {path}: {answer.status_code}"
    return {"p50": statistics.median(took), "p95": _percentile(took, 95)}


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def new_draft_latency(client: httpx.Client, url: str, *, samples: int) -> dict[str, float]:
    """Seconds from committing a new waiting draft to an open queue's event listing it (p50/max)."""
    events: queue.Queue[tuple[float, str]] = queue.Queue()
    stop = threading.Event()

    def listen() -> None:
        try:
            with client.stream("GET", "/agent/events", timeout=httpx.Timeout(10, read=None)) as stream:
                data: list[str] = []
                for line in stream.iter_lines():
                    if line.startswith("data: "):
                        data.append(line[6:])
                    elif line == "" and data:
                        events.put((time.perf_counter(), "\n".join(data)))
                        data = []
                    if stop.is_set():
                        return
        except httpx.HTTPError:
            if not stop.is_set():  # the stream ended before the measurement did
                raise

    listener = threading.Thread(target=listen, name="bench-sse", daemon=True)
    listener.start()
    events.get(timeout=30)  # the queue as it is when the stream opens
    took = []
    rng = random.Random(7)
    for n in range(samples):
        # A buyer writes at any moment, not just after the queue looked: a random phase against its poll.
        time.sleep(rng.uniform(0, 1.0))
        with session_scope(url) as session:  # as the gateway writes a buyer's message and its draft
            now = datetime.now(timezone.utc)
            chat = f"7{n:08d}"
            inbound, _ = store.record_inbound(
                channel="telegram", update_key=f"bench-new-{n}-{now.timestamp()}", chat_id=chat,
                user_id=chat, text=QUESTIONS[n % len(QUESTIONS)], session=session, now=now,
            )  # fmt: skip
            conv = store.ensure_conversation("telegram", chat, chat, session=session, now=now)
            store.mark_inbound(inbound.id, "done", session=session, now=now)
            draft = store.record_draft(
                conversation_id=conv.id, inbound_id=inbound.id, texts=[REPLIES[0]], intent="ask_size",
                confidence=0.6, meta={}, route_reason="置信度低于阈值", session=session, now=now,
            )  # fmt: skip
            marker = f'data-draft="{draft.id}"'
        began = time.perf_counter()  # committed: session_scope left
        while True:
            at, html = events.get(timeout=30)
            if marker in html:
                took.append(max(0.0, at - began))
                break
    stop.set()
    return {"p50": statistics.median(took), "max": max(took)}


def measure(url: str, drafts: int, work: Path, *, requests: int, samples: int) -> dict[str, Any]:
    seeded = seed(url, drafts)
    print(f"seeded {seeded} on {url.split(':')[0]}", file=sys.stderr)
    dispose_engine(url)
    server = ConsoleProcess(url, work)
    try:
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            sign_in(client)
            queue_page = time_get(client, "/agent", requests=requests)
            assert f'data-draft="{seeded.conversation_draft}"' in client.get("/agent").text
            conversation = time_get(client, f"/agent/draft/{seeded.conversation_draft}", requests=requests)
        # The stream has a client of its own (a second tab): its read never ends.
        with httpx.Client(base_url=server.base_url, timeout=30) as listener:
            sign_in(listener)
            arrival = new_draft_latency(listener, url, samples=samples)
    finally:
        server.stop()
        dispose_engine(url)
    return {"seeded": seeded, "queue": queue_page, "conversation": conversation, "arrival": arrival}


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def report(
    results: dict[str, dict[str, Any]], *, drafts: int, requests: int, samples: int, load: tuple[str, str]
) -> str:
    lines = [
        "# Web console speed (`python -m bench.console`)",
        "",
        f"{drafts:,} drafts ({requests} timed GETs per page after 10 warm-up, {samples} new drafts),"
        f" {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, this machine (2 shared cores).",
        f"Load (`uptime`) when it began: `{load[0]}`; when it ended: `{load[1]}`.",
        "Targets (issue 20): pages <= 100 ms p95; a new draft in an open queue <= 1 s.",
        "",
        "| database | seed | waiting | queue p50 | queue p95 | conversation p50 | conversation p95"
        " | new draft p50 | new draft max |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        s, q, c, a = r["seeded"], r["queue"], r["conversation"], r["arrival"]
        lines.append(
            f"| {name} | {s.seconds:.1f} s | {s.waiting} | {q['p50']:.1f} ms | {q['p95']:.1f} ms"
            f" | {c['p50']:.1f} ms | {c['p95']:.1f} ms | {a['p50']:.2f} s | {a['max']:.2f} s |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console", description=__doc__.split("\n\n")[0])
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=200, help="timed GETs per page")
    parser.add_argument("--samples", type=int, default=10, help="new drafts timed into the open queue")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the markdown table goes")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    began = _uptime()
    with tempfile.TemporaryDirectory() as work:
        if args.backend in ("sqlite", "both"):
            base = Path(work) / "sqlite"
            base.mkdir()
            url = f"sqlite:///{base / 'shop.db'}"
            results["SQLite"] = measure(url, args.drafts, base, requests=args.requests, samples=args.samples)
        if args.backend in ("postgresql", "both"):
            base = Path(work) / "postgresql"
            base.mkdir()
            pg = start_postgres()
            try:
                with pg.admin() as conn:
                    conn.execute("CREATE DATABASE bench_console")
                url = pg.url("bench_console")
                results["PostgreSQL"] = measure(
                    url, args.drafts, base, requests=args.requests, samples=args.samples
                )
            finally:
                stop_postgres(pg)
    load = (began, _uptime())
    text_ = report(results, drafts=args.drafts, requests=args.requests, samples=args.samples, load=load)
    args.results.write_text(text_, encoding="utf-8")
    print(text_)
    return 0


if __name__ == "__main__":
    sys.exit(main())
