"""`trainer evaluate`: the candidate and the live model on the same held-out file.

The scoring runs in the Rasa env (nlu/evaluation/compare.py, which uses the evaluation's
metric functions); this side adds the labelled inbox messages (from the
journal), the promotion gate's verdict, and saves it all to
var/trainer/last_evaluation.json, which `promote` reuses when the models match.
Both models are also scored on a labelled file when there is one (`Project.evaluation_tsv`:
the real-buyer set, as `make evaluate` finds it, or the shop's own export): numbers and
intent names only, never its texts. The gate stays on the held-out set.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from paths import PROJECT_ROOT
from trainer import journal
from trainer import state as st
from trainer.gate import gate
from trainer.settings import Project

# Not `-m nlu.evaluation.compare`: that puts the project folder (cwd) first on sys.path, and
# a project's own nlu/ would shadow this checkout's; PYTHONPATH sets the order.
_RUN_COMPARE = (
    "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
    "import nlu.evaluation.compare as c; c.main()"
)


def last_file(project: Project) -> Path:
    return project.trainer_dir / "last_evaluation.json"


def resolve(project: Project, recorded: str | None) -> Path | None:
    return None if not recorded else project.root / recorded


PROGRESS = "progress: "  # compare.py's lines for the console's progress display


def _run(
    cmd: list[str], *, cwd: Path, env: dict[str, str], on_progress: Callable[[str], None] | None
) -> tuple[int, str]:
    """Runs the comparison, passing its progress lines on; (exit code, everything it printed)."""
    printed: list[str] = []
    with subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            printed.append(line)
            if on_progress is not None and line.startswith(PROGRESS):
                on_progress(line[len(PROGRESS) :].strip())
    return process.returncode, "".join(printed)


def _labelled_file_args(project: Project) -> tuple[list[str], dict[str, Any] | None]:
    """compare.py's arguments for the labelled file, and a note when a chosen one is missing."""
    tsv = project.evaluation_tsv
    if tsv.is_file():
        return ["--tsv", str(tsv), "--domain", str(project.domain)], None
    if project.labelled_tsv is not None:  # set on purpose: say so rather than quietly skip it
        return [], {"file": str(tsv), "error": "the file does not exist"}
    return [], None


def evaluate(project: Project, on_progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Scores candidate and live, saves and returns the comparison (`on_progress`: its steps)."""
    state = st.load(project.trainer_dir)
    candidate, live = resolve(project, state.candidate), resolve(project, state.live)
    if candidate is None or not candidate.exists():
        raise RuntimeError("there is no candidate model: run './trainer.sh train' first")
    if live is not None and not live.exists():
        live = None
    labelled = {
        e["text"]: e["intent"] for e in journal.entries(project.trainer_dir) if e.get("kind") == "label"
    }
    out_dir = project.trainer_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    texts_file = out_dir / "labelled_texts.json"
    texts_file.write_text(json.dumps(list(labelled), ensure_ascii=False), encoding="utf-8")
    raw = out_dir / "comparison.json"
    cmd = [str(project.rasa_python), "-c", _RUN_COMPARE, "--heldout", str(project.heldout)]
    cmd += [
        "--candidate",
        str(candidate),
        "--texts",
        str(texts_file),
        "--out",
        str(raw),
        "--png-dir",
        str(out_dir),
    ]
    if live is not None:
        cmd += ["--live", str(live)]
    file_args, missing_file = _labelled_file_args(project)
    cmd += file_args
    # nlu.evaluation.compare (and our components) from this checkout, anything else from the project.
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(
        PYTHONPATH=f"{PROJECT_ROOT}:{project.root}", RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3"
    )
    code, printed = _run(cmd, cwd=project.root, env=env, on_progress=on_progress)
    if code != 0:
        (out_dir / "evaluate.log").write_text(printed, encoding="utf-8")
        raise RuntimeError(f"the evaluation failed; see {out_dir / 'evaluate.log'}")
    comparison = json.loads(raw.read_text(encoding="utf-8"))
    if missing_file:
        comparison["labelled_file"] = missing_file
    if "labelled_file" in comparison:
        comparison["labelled_file"]["real_buyers"] = Path(comparison["labelled_file"]["file"]) == (
            project.real_buyers / "dev.tsv"
        )
    rows = []
    for i, (text, intent) in enumerate(labelled.items()):
        row = {"text": text, "labelled": intent}
        for name, scores in comparison["models"].items():
            row[name] = scores["texts"][i]["intent"]
        rows.append(row)
    comparison.update(
        at=st.now_iso(),
        candidate=state.candidate,
        live=state.live if live is not None else None,
        labelled=rows,
        refused_because=gate(comparison),
    )
    st.write_json_atomic(last_file(project), comparison)
    return comparison


def load_last(project: Project) -> dict[str, Any] | None:
    path = last_file(project)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def render(comparison: dict[str, Any]) -> str:
    """The side-by-side table a trainer reads."""
    models = comparison["models"]
    cand, live = models["candidate"], models.get("live")
    lines = [f"held-out set / 测试集: {comparison['heldout']} ({comparison['n']} messages)"]
    # ASCII headers: Chinese characters are two columns wide and would skew the table.
    head = f"{'F1 by intent':<22}{'live':>10}{'candidate':>12}{'change':>9}"
    lines += [
        "(live = 线上模型, candidate = 候选模型, change in points / 变化百分点)",
        "",
        head,
        "-" * len(head),
    ]

    def row(name: str, old: float | None, new: float) -> str:
        change = "" if old is None else f"{(new - old) * 100:+.1f}"
        old_s = "—" if old is None else f"{old:.3f}"
        return f"{name:<22}{old_s:>10}{new:>12.3f}{change:>9}"

    lines.append(row("macro-F1", live["macro_f1"] if live else None, cand["macro_f1"]))
    for intent in sorted(cand["per_intent"]):
        old = live["per_intent"].get(intent, {}).get("f1") if live else None
        lines.append(row(f"  {intent}", old, cand["per_intent"][intent]["f1"]))
    lines.append("")
    pictures = [m["confusion_png"] for m in models.values()] + [comparison.get("confusion_change_png") or ""]
    lines.append("confusion matrices / 混淆矩阵: " + ", ".join(p for p in pictures if p))
    lines += ["", *labelled_file_lines(comparison)]
    if comparison.get("labelled"):
        fixed = sum(r["candidate"] == r["labelled"] for r in comparison["labelled"])
        lines += [
            "",
            f"labelled messages now right / 已标注消息现在判对: {fixed} of {len(comparison['labelled'])}",
        ]
        for r in comparison["labelled"]:
            mark = "✓" if r["candidate"] == r["labelled"] else "✗"
            was = f" (live: {r['live']})" if "live" in r else ""
            lines.append(f"  {mark} {r['text']} → {r['candidate']}, labelled {r['labelled']}{was}")
    reasons = comparison.get("refused_because") or []
    lines.append("")
    if reasons:
        lines.append("promote would be REFUSED / 不能上线: " + "; ".join(reasons))
    else:
        lines.append("the candidate may be promoted / 可以上线: ./trainer.sh promote")
    return "\n".join(lines)


def file_scores(comparison: dict[str, Any]) -> list[tuple[str, float | None, float]]:
    """(row name, live, candidate) of the labelled file: the macro-F1s, accuracy, then each intent's F1."""
    models = comparison["models"]
    cand = models["candidate"]["labelled_file"]
    live = models.get("live", {}).get("labelled_file")
    rows: list[tuple[str, float | None, float]] = [
        ("macro-F1", live["macro_f1_all"] if live else None, cand["macro_f1_all"]),
        (
            f"macro-F1 >= {cand['min_rows']} rows",
            live["macro_f1_large"] if live else None,
            cand["macro_f1_large"],
        ),
        ("accuracy", live["accuracy"] if live else None, cand["accuracy"]),
    ]
    for intent in sorted(cand["per_intent"]):
        old = live["per_intent"].get(intent, {}).get("f1") if live else None
        rows.append((intent, old, cand["per_intent"][intent]["f1"]))
    return rows


def labelled_file_lines(comparison: dict[str, Any]) -> list[str]:
    """The labelled file's part of the CLI's table: numbers and intent names, never a text."""
    about = comparison.get("labelled_file")
    if not about:
        return [
            "labelled file / 标注文件: none (the real-buyer set is absent; EVALUATION_TSV=path for your own)"
        ]
    if about.get("error"):
        return [f"labelled file / 标注文件 {about['file']}: not scored: {about['error']}"]
    lines = [f"labelled file / 标注文件: {about['file']} ({about['messages']} messages)"]
    rows_per_intent = comparison["models"]["candidate"]["labelled_file"]["rows_per_intent"]
    for name, old, new in file_scores(comparison):
        change = "" if old is None else f"{(new - old) * 100:+.1f}"
        old_s = "—" if old is None else f"{old:.3f}"
        label = f"  {name} ({rows_per_intent[name]})" if name in rows_per_intent else name
        lines.append(f"{label:<22}{old_s:>10}{new:>12.3f}{change:>9}")
    return lines
