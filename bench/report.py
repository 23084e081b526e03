"""Targets, machine description and the markdown table of a benchmark run."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path
from typing import Any

from bench.stats import ratio


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model (/proc/cpuinfo), load, date: numbers mean little without them."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu_model": model,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _get(results: dict[str, Any], phase: str, key: str) -> float | None:
    return (results.get("phases", {}).get(phase) or {}).get(key)


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target: the measured ratio, the limit, met or not (None: not measured)."""
    out = []

    def add(
        name: str, value: float | None, limit: float, higher_is_better: bool = False, note: str = ""
    ) -> None:
        # Judged on the exact ratio; shown rounded (0.503 is not "0.5, met").
        met = None if value is None else (value >= limit if higher_is_better else value <= limit)
        shown = None if value is None else round(value, 3)
        out.append({"target": name, "value": shown, "limit": limit, "met": met, "note": note})

    def phases(phase: str, reference: str, key: str) -> float | None:
        """The exact ratio of one measurement in two phases."""
        return ratio(_get(results, phase, key), _get(results, reference, key), digits=None)

    noop = phases("turn_noop_c32", "nlu_parse_c32", "p50_ms")
    add(
        "e2e p50 at 32 buyers <= 2x bare-NLU p50",
        phases("ours_sqlite_c32", "nlu_parse_c32", "p50_ms"),
        2.0,
        note="" if noop is None else f"a turn whose actions do nothing: {noop:.3f}",
    )
    add("e2e p95 at 32 buyers <= 3x bare-NLU p95", phases("ours_sqlite_c32", "nlu_parse_c32", "p95_ms"), 3.0)
    add(
        "throughput at 32 buyers >= 2x stock Rasa",
        phases("ours_sqlite_c32", "stock_c32", "throughput_mps"),
        2.0,
        higher_is_better=True,
    )
    training = results.get("training") or {}
    # The trainer's retrain (warm worker) against the faster of the two from-scratch trainings.
    scratch_times = [training.get(k) for k in ("from_scratch_s", "worker_scratch_s")]
    scratch = min((x for x in scratch_times if x is not None), default=None)
    add(
        "retrain after 20 phrasings <= 0.5x from scratch",
        ratio(training.get("retrain_worker_s"), scratch, digits=None),
        0.5,
        note=f"fresh-process retrain {ratio(training.get('retrain_cached_s'), training.get('from_scratch_s'))}",
    )
    promote = results.get("promote") or {}
    if "during" in promote and "switch" in promote and "error" not in promote["switch"]:
        add("promote under load: dropped messages == 0", promote.get("dropped"), 0)
        add(
            "promote under load: p95 during switch <= 2x outside",
            ratio(promote["during"].get("p95_ms"), promote["outside"].get("p95_ms"), digits=None),
            2.0,
        )
    else:
        out.append(
            {
                "target": "promote under load",
                "value": None,
                "limit": None,
                "met": None,
                "note": promote.get("status")
                or (promote.get("switch") or {}).get("error")
                or "TODO: not measured",
            }
        )
    return out


# The latency target's turn, built up from the floor (all at 32 buyers, three conversations each).
RASA_SHARE = (
    ("nlu_parse_c32", "bare NLU, `POST /model/parse` (the floor)"),
    (
        "turn_noop_c32",
        "a whole turn through our channel, actions that do nothing: Rasa's and rasa-sdk's share",
    ),
    ("turn_sqlite_c32", "+ our actions on the SQLite demo shop"),
    ("ours_sqlite_c32", "+ the gateway's work: buyer look-up, policy check, routing (the e2e of the target)"),
)


def rasa_share(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each rung: its p50 and throughput, and both against the floor's."""
    rows = []
    for phase, what in RASA_SHARE:
        p50, mps = _get(results, phase, "p50_ms"), _get(results, phase, "throughput_mps")
        if p50 is None:
            continue
        rows.append(
            {
                "phase": phase,
                "what": what,
                "throughput_mps": mps,
                "p50_ms": p50,
                "p50_vs_floor": ratio(p50, _get(results, "nlu_parse_c32", "p50_ms")),
                # the floor's messages per second over this rung's: the CPU a message costs, relative
                "cost_vs_floor": ratio(_get(results, "nlu_parse_c32", "throughput_mps"), mps),
            }
        )
    return rows


def _rasa_share_lines(results: dict[str, Any]) -> list[str]:
    rows = rasa_share(results)
    if not any(r["phase"] == "turn_noop_c32" for r in rows):
        return []  # a run from before these phases
    lines = [
        "## What is Rasa's (32 buyers, p50 against bare NLU)",
        "",
        "| phase | what it measures | msg/s | p50 ms | p50 / floor | floor msg/s / msg/s |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['phase']} | {r['what']} | {_fmt(r['throughput_mps'])} | {_fmt(r['p50_ms'])} | "
            f"{_fmt(r['p50_vs_floor'])} | {_fmt(r['cost_vs_floor'])} |"
        )
    one = ratio(_get(results, "turn_noop_c1", "p50_ms"), _get(results, "nlu_parse_c1", "p50_ms"))
    if one is not None:
        lines += [
            "",
            f"One buyer at a time (no queueing): a turn whose actions do nothing takes {one}x a bare parse (p50).",
        ]
    return lines + [""]


def _runs(runs: list | None) -> str:
    """'median of 12.1, 9.8, 10.4 s ' for repeated measurements, '' for one."""
    if not runs or len(runs) < 2:
        return ""
    return f"(median of {', '.join(_fmt(r) for r in runs)} s) "


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def markdown(results: dict[str, Any]) -> str:
    m = results.get("machine", {})
    lines = [
        "# Benchmark results",
        "",
        f"Run `{results.get('run_id')}` of `make bench` ({results.get('mode', 'full')}), {m.get('date')}.",
        f"Machine: {m.get('cores')} cores, {m.get('memory_gb')} GB, {m.get('cpu_model')}; "
        f"load average at the end {m.get('load_average_at_end')} (shared machine: compare ratios, not absolutes).",
        f"Models: ours `{results.get('models', {}).get('ours')}`, stock `{results.get('models', {}).get('stock')}`; "
        f"our Rasa servers: {len(results.get('servers', {}).get('ours', []))} (sticky routing).",
        *[f"Note: {note}" for note in results.get("notes", [])],
        "",
        "## Targets",
        "",
        "| target | measured | limit | met |",
        "|---|---|---|---|",
    ]
    for t in results.get("targets", []):
        met = {True: "met", False: "**missed**", None: "not measured"}[t["met"]]
        note = f" ({t['note']})" if t.get("note") else ""
        lines.append(f"| {t['target']} | {_fmt(t['value'])}{note} | {_fmt(t['limit'])} | {met} |")
    lines += [
        "",
        "## Load phases (closed loop; latency = buyer message in → draft ready)",
        "",
        "| phase | buyers | messages | errors | no-text drafts | msg/s | p50 ms | p95 ms | p99 ms | max ms | intent agreement |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, p in results.get("phases", {}).items():
        trunc = " (time-bounded)" if p.get("truncated") else ""
        lines.append(
            f"| {name}{trunc} | {p.get('buyers')} | {p.get('messages')} | {p.get('errors')} | {p.get('no_reply_drafts')} | "
            f"{_fmt(p.get('throughput_mps'))} | {_fmt(p.get('p50_ms'))} | {_fmt(p.get('p95_ms'))} | "
            f"{_fmt(p.get('p99_ms'))} | {_fmt(p.get('max_ms'))} | {_fmt(p.get('intent_agreement'))} |"
        )
    lines += ["", f"p95 crosses 1 s at: {results.get('p95_crosses_1s_at', '–')} concurrent buyers.", ""]
    lines += _rasa_share_lines(results)
    promote = results.get("promote")
    if promote:
        lines += ["## Promote under load", ""]
        if "during" in promote:
            d, o = promote["during"], promote["outside"]
            lines += [
                f"Switch {promote.get('switch')}; window {promote.get('window_s')} s; "
                f"dropped {promote.get('dropped')} {promote.get('error_kinds') or ''}.",
                f"During: {d.get('messages')} msgs, p50 {d.get('p50_ms')} ms, p95 {d.get('p95_ms')} ms. "
                f"Outside: {o.get('messages')} msgs, p50 {o.get('p50_ms')} ms, p95 {o.get('p95_ms')} ms.",
                "",
            ]
        else:
            lines += [str(promote.get("status")), ""]
    lines += ["## Memory (VmRSS incl. children, MB, after the SQLite load phases)", ""]
    for name, mb in (results.get("memory_mb") or {}).items():
        lines.append(f"- {name}: {mb}")
    tr = results.get("training") or {}
    lines += [
        "",
        "## Training",
        "",
        *(
            ["(measured separately: " + tr["measured_separately"] + ")", ""]
            if tr.get("measured_separately")
            else []
        ),
        f"- from scratch, `make train` (fresh process, empty cache): {_fmt(tr.get('from_scratch_s'))} s "
        f"({tr.get('from_scratch_status', 'skipped')})",
        f"- retrain after 20 phrasings, fresh process (warm cache): {_fmt(tr.get('retrain_cached_s'))} s "
        f"({tr.get('retrain_cached_status', 'skipped')})",
        f"- from scratch in the training worker (starting it, empty cache): {_fmt(tr.get('worker_scratch_s'))} s "
        f"{_runs(tr.get('worker_scratch_runs'))}({tr.get('worker_scratch_status', 'skipped')})",
        f"- the trainer's retrain after 20 phrasings (`./trainer.sh train`, warm worker): "
        f"{_fmt(tr.get('retrain_worker_s'))} s {_runs(tr.get('retrain_worker_runs'))}"
        f"({tr.get('retrain_worker_status', 'skipped')})",
        "",
        "## NLU quality (held-out and real-buyer macro-F1, nlu.evaluation.evaluate)",
        "",
    ]
    q = results.get("nlu_quality") or {}
    if "ours_macro_f1" in q:
        lines.append(
            f"ours {q['ours_macro_f1']}, stock baseline {q['baseline_macro_f1']} "
            f"({q.get('heldout_messages')} held-out messages; {'reused ' + q['source'] if q.get('reused') else 'fresh --quick run'})."
        )
        if "labelled_macro_f1_large" in q:
            lines.append(
                f"Real buyers ({q['labelled_file']}, {q['labelled_messages']} messages), ours: macro-F1 over the "
                f"intents with >= {q['labelled_min_rows']} rows {q['labelled_macro_f1_large']} "
                f"(check half {q['labelled_check_macro_f1_large']}), accuracy {q['labelled_accuracy']}; "
                f"auto-sent {q['labelled_autosend_coverage']:.1%} of messages, "
                f"{q['labelled_autosend_wrong_rate']:.1%} of them wrong, {q['labelled_autosend_harmful']} harmful."
            )
    else:
        lines.append(str(q.get("status", "not measured")))
    lines += ["", "## Phase durations (s)", ""]
    for name, sec in (results.get("phase_seconds") or {}).items():
        lines.append(f"- {name}: {sec}")
    return "\n".join(lines) + "\n"
