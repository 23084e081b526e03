"""The benchmark run: phases in a fixed order, each bounded in time (see docs/benchmarks.md)."""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.conversations import domain_intents, load_conversations
from bench.load import PhaseResult, Send, conversation_for, run_phase
from bench.senders import gateway_sender, nlu_sender, stock_sender
from bench.stack import BenchStack
from bench.stats import summarize
from bench.training import measure_training
from bot.rasa_client import RasaClient
from bot.routing import load_routing
from bot.upstream import write_upstream
from shop.paths import PROJECT_ROOT

RASA_PY = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
BASELINE = ("nlu/baseline_config.yml", "baseline-")


@dataclass
class Options:
    out: Path
    servers: int = 2  # our Rasa server processes (sticky routing)
    training: bool = True
    promote: bool = True
    pg: bool = True
    quick: bool = False  # smaller phases: a harness check, not a measurement
    model: Path | None = None  # overrides (development): else scripts/train.py's models
    stock_model: Path | None = None
    train_budget_s: float = 480.0
    epoch_fraction: float = 0.2


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def train_model(config: str, prefix: str) -> Path:
    """scripts/train.py: the cached model of `config` (trains only when the inputs changed)."""
    check = subprocess.run(
        [str(RASA_PY), "scripts/train.py", "--check", "--config", config, "--prefix", prefix],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    if check.returncode == 0:
        return Path(check.stdout.strip())
    log(f"training the missing model for {config} (not part of the timed phases)")
    done = subprocess.run(
        [str(RASA_PY), "scripts/train.py", "--quiet", "--config", config, "--prefix", prefix],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: training {config} failed:\n{done.stderr[-2000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def nlu_quality(ours: Path, baseline: Path, out_dir: Path, timeout_s: float) -> dict[str, Any]:
    """Held-out macro-F1 from nlu.evaluate: its latest report when it is for these models, else a --quick run."""
    report = PROJECT_ROOT / "var" / "results" / "nlu" / "report.json"

    def read(path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pipes = data["pipelines"]
            if pipes["ours"]["model"] != ours.name or pipes["baseline"]["model"] != baseline.name:
                return None
            return {
                "source": str(path.relative_to(PROJECT_ROOT)),
                "date": data.get("date"),
                "heldout_messages": data.get("heldout_messages"),
                "ours_macro_f1": round(pipes["ours"]["heldout"]["intent"]["macro_f1"], 4),
                "baseline_macro_f1": round(pipes["baseline"]["heldout"]["intent"]["macro_f1"], 4),
            }
        except (OSError, ValueError, KeyError, TypeError):
            return None

    found = read(report)
    if found:
        found["reused"] = True
        return found
    target = out_dir / "nlu"
    log("NLU quality: python -m nlu.evaluate --quick (Rasa env)")
    try:
        subprocess.run(
            [str(RASA_PY), "-m", "nlu.evaluate", "--quick", "--out", str(target)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        return {"status": f"nlu.evaluate timed out after {timeout_s:.0f} s"}
    found = read(target / "report.json")
    return (
        {**found, "reused": False}
        if found
        else {"status": "nlu.evaluate produced no report for these models"}
    )


class Runner:
    """Runs the phases; every result lands in `self.results` as it is measured."""

    def __init__(self, options: Options) -> None:
        self.o = options
        self.run_id = time.strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(2)
        self.conversations = load_conversations(intents=domain_intents(PROJECT_ROOT / "domain.yml"))
        self.results: dict[str, Any] = {"run_id": self.run_id, "phases": {}, "phase_seconds": {}}
        self.routing = load_routing(PROJECT_ROOT / "responses" / "routing.yml")

    # --- helpers -------------------------------------------------------------------
    def bound(self, full: float, quick: float) -> float:
        return quick if self.o.quick else full

    async def phase(
        self, key: str, send: Send, *, buyers: int, max_s: float, sequential: bool = False
    ) -> PhaseResult:
        """`buyers` buyers, one 10-turn conversation each; `sequential`: one buyer at a time."""
        log(f"phase {key}: {buyers} buyers{' one at a time' if sequential else ''}, at most {max_s:.0f} s")
        result = await run_phase(
            key,
            send,
            self.conversations,
            buyers=buyers,
            rounds=1,
            max_s=max_s,
            run_id=self.run_id,
            concurrency=1 if sequential else None,
        )
        summary = result.summary()
        self.results["phases"][key] = summary
        log(
            f"  {summary['messages']} msgs, {summary['throughput_mps']}/s, p50 {summary.get('p50_ms')} ms, "
            f"p95 {summary.get('p95_ms')} ms, errors {summary['errors']}"
        )
        return result

    def timed(self, name: str, started: float) -> None:
        self.results["phase_seconds"][name] = round(time.monotonic() - started, 1)

    # --- the run -----------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        o = self.o
        started = time.monotonic()
        if o.training:
            t = time.monotonic()
            self.results["training"] = measure_training(
                budget_s=o.train_budget_s,
                epoch_fraction=o.epoch_fraction,
                log_dir=o.out / "raw",
                log=log,
            )
            self.timed("training", t)
        t = time.monotonic()
        ours_model = o.model or train_model("config.yml", "")
        stock_model = o.stock_model or train_model(*BASELINE)
        self.results["models"] = {"ours": ours_model.name, "stock": stock_model.name}
        self.timed("models", t)
        accounts = sorted({c.buyer for c in self.conversations})
        slots = 128
        slot_accounts = {s: conversation_for(self.conversations, s, 0).buyer for s in range(slots)}
        work_dir = o.out / "raw" / self.run_id
        with BenchStack(
            run_id=self.run_id, buyer_slots=slots, accounts=accounts, work_dir=work_dir, log=log
        ) as stack:
            t = time.monotonic()
            log("starting PostgreSQL, demo shops, action server, Rasa servers")
            if o.pg:
                stack.start_postgres()
            stack.build_shop("sqlite", slot_accounts)
            if o.pg:
                stack.build_shop("postgresql", slot_accounts)
            stack.start_action_server("sqlite")
            stack.start_rasa(ours_model, stock_model, o.servers)
            self.results["servers"] = {"ours": stack.ours, "stock": stack.stock, "action": stack.action_url}
            self.timed("start_servers", t)
            asyncio.run(self.load_phases(stack))
        self.results["phase_seconds"]["total"] = round(time.monotonic() - started, 1)
        t = time.monotonic()
        self.results["nlu_quality"] = nlu_quality(
            ours_model, stock_model, o.out / "raw", self.bound(240, 240)
        )
        self.timed("nlu_quality", t)
        self.results["phase_seconds"]["total"] = round(time.monotonic() - started, 1)
        return self.results

    async def warm_up(self, send: Send, key: str) -> None:
        """A few messages not counted: the first predictions of a fresh server build TF graphs."""
        await run_phase(
            f"warm-{key}", send, self.conversations, buyers=4, rounds=1, max_s=20, run_id=self.run_id, turns=3
        )

    async def load_phases(self, stack: BenchStack) -> None:
        o = self.o
        http = httpx.AsyncClient(timeout=30, trust_env=False, limits=httpx.Limits(max_connections=256))
        both = RasaClient(stack.ours, timeout_s=30)
        one = RasaClient(stack.ours[:1], timeout_s=30)
        try:
            t = time.monotonic()
            sqlite = stack.dbs["sqlite"]
            ours = gateway_sender(both, stack, sqlite, self.routing)
            nlu = nlu_sender(http, stack.ours)
            stock = stock_sender(http, stack.stock, stack)
            for key, send in (("ours", ours), ("stock", stock)):
                await self.warm_up(send, key)
            n = len(self.conversations)  # 1 buyer: every script once, one after the other
            # Latency at 1 and 32 buyers: the floor (bare NLU), ours, the stock setup, side by side in time.
            await self.phase("nlu_parse_c1", nlu, buyers=n, sequential=True, max_s=self.bound(40, 10))
            await self.phase("nlu_parse_c32", nlu, buyers=32, max_s=self.bound(40, 10))
            await self.phase("ours_sqlite_c1", ours, buyers=n, sequential=True, max_s=self.bound(45, 10))
            await self.phase("ours_sqlite_c32", ours, buyers=32, max_s=self.bound(60, 15))
            await self.phase("stock_c1", stock, buyers=n, sequential=True, max_s=self.bound(45, 10))
            await self.phase("stock_c32", stock, buyers=32, max_s=self.bound(75, 15))
            # Ours on one server process: the per-process comparison with the stock setup.
            ours_one = gateway_sender(one, stack, sqlite, self.routing)
            await self.phase("ours_sqlite_c32_1server", ours_one, buyers=32, max_s=self.bound(60, 15))
            # Step up until p95 crosses 1 s.
            crossed = None
            for buyers in (64, 128):
                result = await self.phase(
                    f"ours_sqlite_c{buyers}", ours, buyers=buyers, max_s=self.bound(75, 15)
                )
                p95 = result.summary().get("p95_ms")
                if crossed is None and p95 is not None and p95 > 1000:
                    crossed = buyers
            c32 = self.results["phases"]["ours_sqlite_c32"].get("p95_ms")
            if c32 is not None and c32 > 1000:
                crossed = 32
            self.results["p95_crosses_1s_at"] = crossed if crossed else ">128"
            self.results["memory_mb"] = stack.memory_mb()
            stack.stop_stock()  # frees a core's worth of memory for the rest
            self.timed("load_sqlite", t)
            if o.pg:
                t = time.monotonic()
                stack.start_action_server("postgresql")
                ours_pg = gateway_sender(both, stack, stack.dbs["postgresql"], self.routing)
                await self.warm_up(ours_pg, "ours_pg")
                await self.phase("ours_pg_c1", ours_pg, buyers=n, sequential=True, max_s=self.bound(45, 10))
                await self.phase("ours_pg_c32", ours_pg, buyers=32, max_s=self.bound(60, 15))
                await self.phase("ours_pg_c128", ours_pg, buyers=128, max_s=self.bound(75, 15))
                self.timed("load_pg", t)
                if o.promote:
                    t = time.monotonic()
                    self.results["promote"] = await self.promote_phase(stack, stack.dbs["postgresql"])
                    self.timed("promote", t)
            else:
                self.results["promote"] = {"status": "skipped (needs --pg)"}
        finally:
            await both.aclose()
            await one.aclose()
            await http.aclose()

    async def promote_phase(self, stack: BenchStack, db) -> dict[str, Any]:
        """A steady stream of 16 buyers while trainer.bluegreen switches our servers to a copy of the model."""
        try:
            from trainer.bluegreen import switch_to
            from trainer.settings import Project
        except ImportError:
            return {"status": "TODO: trainer.bluegreen is not there; promote under load not measured"}

        var_dir = stack.settings.var_dir

        @dataclass(frozen=True)
        class BenchProject(Project):
            bench_var: Path = var_dir

            @property
            def var_dir(self) -> Path:  # type: ignore[override]
                return self.bench_var

        upstream = stack.settings.run_dir / "upstream.json"
        model = Path(self.results_model_path(stack))
        promoted = var_dir / "models" / f"promoted-{model.name}"
        promoted.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(model, promoted)
        write_upstream(upstream, list(stack.ours), model=str(model))
        client = RasaClient(stack.ours, timeout_s=30, upstream_file=upstream)
        send = gateway_sender(client, stack, db, self.routing)
        window: dict[str, float] = {}
        switch_info: dict[str, Any] = {}
        loop_start = time.monotonic()

        def do_switch() -> None:
            window["start"] = time.monotonic() - loop_start
            try:
                result = switch_to(BenchProject(root=PROJECT_ROOT), promoted, drain_max_s=10)
                switch_info.update(
                    mode=result.mode, start_s=round(result.start_s, 1), drain_s=round(result.drain_s, 1)
                )
                switch_info["new_urls"] = result.new_urls
            except Exception as exc:  # noqa: BLE001 - reported
                switch_info["error"] = f"{type(exc).__name__}: {exc}"
            window["end"] = time.monotonic() - loop_start

        async def switch_later() -> None:
            await asyncio.sleep(self.bound(15, 5))
            await asyncio.to_thread(do_switch)

        log("phase promote: 16 buyers while a blue/green switch runs (bounded 240 s)")
        stop = asyncio.Event()
        try:
            stream = asyncio.create_task(
                run_phase(
                    "promote",
                    send,
                    self.conversations,
                    buyers=16,
                    rounds=50,
                    max_s=self.bound(240, 60),
                    run_id=self.run_id,
                    stop=stop,
                )
            )
            await switch_later()
            await asyncio.sleep(self.bound(10, 3))  # keep streaming a little after the switch
            stop.set()
            result = await stream
        finally:
            await client.aclose()
            stack.stop_recorded_urls(switch_info.get("new_urls", []))
        during = [
            lat for sent, lat in result.timeline if window.get("start", 0) <= sent <= window.get("end", 0)
        ]
        outside = [
            lat
            for sent, lat in result.timeline
            if not (window.get("start", 0) <= sent <= window.get("end", 0))
        ]
        return {
            "switch": switch_info,
            "window_s": [round(window.get("start", 0), 1), round(window.get("end", 0), 1)],
            "dropped": sum(result.errors.values()),
            "error_kinds": dict(result.errors),
            "during": summarize(during, elapsed_s=max(0.001, window.get("end", 0) - window.get("start", 0))),
            "outside": summarize(outside, elapsed_s=max(0.001, result.elapsed_s)),
        }

    def results_model_path(self, stack: BenchStack) -> str:
        return str(self.o.model or train_model("config.yml", ""))
