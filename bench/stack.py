"""Everything the benchmark runs against, started by it and stopped on exit.

A private PostgreSQL (shop.db.devpg) holds the Rasa tracker store of every server
and the PostgreSQL demo shop; the SQLite demo shop is a file in the run's
temporary folder. Our Rasa servers (N processes on N ports: the gateway's
sticky routing keeps a conversation on one of them, so no lock store is needed)
and the stock reference server (default policies, stock NLU, REST channel
only) share one action server, which is restarted on the same port to switch
the shop database. All servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import subprocess
import threading
import zlib
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy.orm import Session

from paths import PROJECT_ROOT
from shop.db.devpg import PostgresServer, start_postgres, stop_postgres
from shop.db.engine import dispose_engine, make_engine
from shop.demo import ensure_demo_loaded
from shop.store.linking import ensure_verified_link
from shop.store.policy_context import context_for_buyer
from stack.servers import free_port, new_secret, start_action_server, start_rasa_server, stop, stop_recorded
from stack.settings import Settings, load_settings

CHANNEL = "telegram"  # the metadata the Telegram gateway sends; ids below are bench-only
STOCK_CREDENTIALS = "rest:\n"


def process_tree_rss_kb(pid: int) -> int:
    """VmRSS of `pid` and all its descendants, in kB (0 if it is gone)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def own_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class ShopDb:
    """One demo shop database and the buyer ids linked in it."""

    url: str
    check_contexts: dict[str, object] = field(default_factory=dict)  # account -> CheckContext


class BenchStack:
    """Starts PostgreSQL, the demo shops, the action server and the Rasa servers."""

    def __init__(
        self, *, run_id: str, buyer_slots: int, accounts: list[str], work_dir: Path, log=print
    ) -> None:
        """`work_dir`: logs, pid files, the SQLite shop (kept after the run for post-mortems)."""
        self.run_id = run_id
        self.buyer_slots = buyer_slots
        self.accounts = accounts  # account of buyer slot i = accounts[i % len(accounts)]
        self.log = log
        self.exit = ExitStack()
        self.processes: list[subprocess.Popen] = []
        self.pg: PostgresServer | None = None
        self.tmp = work_dir
        work_dir.mkdir(parents=True, exist_ok=True)
        self.settings: Settings = replace(
            load_settings({}), var_dir=self.tmp / "var", project_root=PROJECT_ROOT, action_port=free_port()
        )
        # Every server of the run accepts these (Rasa's API and channel; the action server).
        self.rasa_token = new_secret()
        self.action_secret = new_secret()
        self.action_url = ""
        self.action_proc: subprocess.Popen | None = None
        self.ours: list[str] = []  # our Rasa servers
        self.ours_procs: list[subprocess.Popen] = []
        self.stock = ""
        self.stock_proc: subprocess.Popen | None = None
        self.dbs: dict[str, ShopDb] = {}

    # --- lifecycle -----------------------------------------------------------
    def __enter__(self) -> BenchStack:
        self.exit.callback(lambda: stop(self.processes))
        return self

    def __exit__(self, *exc) -> None:
        self.exit.close()

    def user_id(self, slot: int) -> str:
        """A Telegram-like numeric user id, unique per run and buyer slot."""
        return f"9{zlib.crc32(self.run_id.encode()) % 10**6:06d}{slot:04d}"

    def account(self, slot: int) -> str:
        return self.accounts[slot % len(self.accounts)]

    # --- databases -------------------------------------------------------------
    def start_postgres(self) -> None:
        self.pg = start_postgres()
        self.exit.callback(stop_postgres, self.pg)
        with self.pg.admin() as conn:
            conn.execute("CREATE DATABASE shop_bench")
            conn.execute("CREATE DATABASE rasa_tracker")
        self.settings = replace(self.settings, tracker_db_url=self.pg.url("rasa_tracker"))

    def build_shop(self, backend: str, slot_accounts: dict[int, str]) -> ShopDb:
        """The demo shop on `backend` with every buyer slot linked to its demo account."""
        if backend == "sqlite":
            url = f"sqlite:///{self.tmp / 'shop.db'}"
        else:
            assert self.pg is not None
            url = self.pg.url("shop_bench")
        engine = make_engine(url)
        ensure_demo_loaded(engine)
        db = ShopDb(url=url)
        with Session(engine) as session, session.begin():
            for slot, account in slot_accounts.items():
                ensure_verified_link(CHANNEL, self.user_id(slot), account, session=session)
            for account in set(slot_accounts.values()):
                db.check_contexts[account] = context_for_buyer(account, session=session)
        self.exit.callback(dispose_engine, url)
        self.dbs[backend] = db
        return db

    # --- servers ---------------------------------------------------------------
    def start_action_server(self, backend: str, actions: str = "actions") -> None:
        """(Re)starts the action server on its fixed port against `backend`'s shop; `actions`:
        the module it serves (`bench.noop_actions`: actions that do nothing)."""
        if self.action_proc is not None:
            stop([self.action_proc])
        settings = replace(self.settings, database_url=self.dbs[backend].url)
        before = len(self.processes)
        self.action_url = start_action_server(settings, self.processes, actions, secret=self.action_secret)
        self.action_proc = self.processes[before]

    def start_rasa(self, ours_model: Path, stock_model: Path | None, ours_count: int) -> None:
        """Starts `ours_count` servers of ours and the stock one, in parallel (each takes ~30 s)."""
        results: dict[str, tuple[str, subprocess.Popen] | BaseException] = {}
        credentials = self.tmp / "credentials-stock.yml"
        credentials.write_text(STOCK_CREDENTIALS, encoding="utf-8")

        def start(key: str, model: Path, **kwargs) -> None:
            procs: list[subprocess.Popen] = []
            try:
                port = free_port()
                url = start_rasa_server(
                    self.settings,
                    model,
                    self.action_url,
                    procs,
                    port=port,
                    start_timeout_s=600,
                    token=self.rasa_token,
                    action_secret=self.action_secret,
                    **kwargs,
                )
                results[key] = (url, procs[0])
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                results[key] = exc
            finally:
                self.processes.extend(procs)

        threads = [
            threading.Thread(target=start, args=(f"ours{i}", ours_model), kwargs={"name": f"rasa-ours{i}"})
            for i in range(ours_count)
        ]
        if stock_model is not None:
            threads.append(
                threading.Thread(
                    target=start,
                    args=("stock", stock_model),
                    kwargs={"name": "rasa-stock", "credentials": credentials, "tracker_store": "SQL"},
                )
            )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for value in results.values():
            if isinstance(value, BaseException):
                raise value
        for i in range(ours_count):
            url, proc = results[f"ours{i}"]  # type: ignore[misc]
            self.ours.append(url)
            self.ours_procs.append(proc)
        if stock_model is not None:
            self.stock, self.stock_proc = results["stock"]  # type: ignore[misc]

    def stop_stock(self) -> None:
        if self.stock_proc is not None:
            stop([self.stock_proc])

    def stop_recorded_urls(self, urls: list[str]) -> None:
        """Stops servers a blue/green switch started (recorded in var/run/rasa-<port>.pid)."""
        import httpx

        for url in urls:
            stop_recorded(self.settings, httpx.URL(url).port or 0)

    # --- memory ------------------------------------------------------------------
    def memory_mb(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for i, proc in enumerate(self.ours_procs):
            out[f"rasa_ours_{i}"] = process_tree_rss_kb(proc.pid) / 1024
        if self.stock_proc is not None:
            out["rasa_stock"] = process_tree_rss_kb(self.stock_proc.pid) / 1024
        if self.action_proc is not None:
            out["action_server"] = process_tree_rss_kb(self.action_proc.pid) / 1024
        out["gateway_bench_process"] = own_rss_kb() / 1024  # its children are the servers
        return {k: round(v, 1) for k, v in out.items()}
