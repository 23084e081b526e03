"""Training times: from scratch, and retraining after a trainer adds 20 phrasings.

All in a temporary copy of the project's training inputs with its own empty
`.rasa` cache, so the project's cache and models are untouched. Three
trainings, each bounded in time:

1. from scratch (`scripts/train.py`, empty cache);
2. cached retrain after adding bench/added_phrasings.yml (Rasa 3's graph cache
   skips what did not change; DIET still retrains fully, because its input did);
3. `rasa train --finetune <model 1> --epoch-fraction F` on the same new data:
   DIET starts from the old weights and runs F of its epochs. Allowed because
   the new phrasings add no intent, entity or action (no new labels).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from shop.paths import PROJECT_ROOT

RASA_PY = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
COPIED = ["config.yml", "domain.yml", "data", "responses", "nlu", "scripts/train.py"]
ADDED = Path(__file__).with_name("added_phrasings.yml")


def copy_project(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", "demo_shop")
    for name in COPIED:
        source = PROJECT_ROOT / name
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


def _env(root: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV") and k != "RASA_CACHE_DIRECTORY"
    }
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(root))
    return env


def run_group(cmd: list[str], *, cwd: Path, env: dict[str, str], out, timeout_s: float | None) -> int | None:
    """Runs `cmd` in its own process group and returns its exit code (None: timed out); on
    time-out or Ctrl-C the whole group is killed (scripts/train.py runs `rasa train` as a child)."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        return proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _timed(cmd: list[str], root: Path, timeout_s: float, log: Path) -> tuple[float | None, str]:
    started = time.monotonic()
    with open(log, "ab") as out:
        returncode = run_group(cmd, cwd=root, env=_env(root), out=out, timeout_s=timeout_s)
    if returncode is None:
        return None, f"cut off after {timeout_s:.0f} s (time budget)"
    elapsed = time.monotonic() - started
    if returncode != 0:
        return None, f"exit {returncode}: see {log}"
    return round(elapsed, 1), "ok"


def _train_script(root: Path, timeout_s: float, log: Path) -> tuple[float | None, str, Path | None]:
    seconds, status = _timed([str(RASA_PY), "scripts/train.py", "--quiet"], root, timeout_s, log)
    found = subprocess.run(
        [str(RASA_PY), "scripts/train.py", "--check"],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env(root),
    )
    model = Path(found.stdout.strip()) if found.returncode == 0 else None
    return seconds, status, model


def measure_training(
    *, budget_s: float, epoch_fraction: float, log_dir: Path, adopt_model: bool = True, log=print
) -> dict[str, Any]:
    """The three training times within `budget_s` in all (a step is cut off when the budget
    runs out; the report says so). With `adopt_model`, the from-scratch model of the current
    inputs is copied into the project's models/ when that is missing (saves a training)."""
    deadline = time.monotonic() + budget_s

    def remaining() -> float:
        return max(1.0, deadline - time.monotonic())

    log_dir.mkdir(parents=True, exist_ok=True)
    training_log = log_dir / "training.log"
    root = Path(tempfile.mkdtemp(prefix="shop-bench-train-"))
    out: dict[str, Any] = {"epoch_fraction": epoch_fraction, "budget_s": budget_s, "log": str(training_log)}
    try:
        copy_project(root)
        log("training: from scratch (empty cache)")
        seconds, status, scratch = _train_script(root, remaining(), training_log)
        out["from_scratch_s"], out["from_scratch_status"] = seconds, status
        if scratch is None:
            return out
        project_model = PROJECT_ROOT / "models" / scratch.name
        if adopt_model and not project_model.exists():
            project_model.parent.mkdir(exist_ok=True)
            shutil.copy2(scratch, project_model)
            out["adopted_model"] = scratch.name
        shutil.copy2(ADDED, root / "data" / "nlu" / "bench_added.yml")
        log("training: retrain after adding 20 phrasings (warm cache)")
        seconds, status, _ = _train_script(root, remaining(), training_log)
        out["retrain_cached_s"], out["retrain_cached_status"] = seconds, status
        log(f"training: finetune the old model on the new data (--epoch-fraction {epoch_fraction})")
        cmd = [
            str(RASA),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            *[
                p
                for p in ("data/nlu", "data/rules", "data/stories", "responses/templates")
                if (root / p).is_dir()
            ],
            "--out",
            "models",
            "--fixed-model-name",
            "finetuned",
            "--finetune",
            str(scratch),
            "--epoch-fraction",
            str(epoch_fraction),
        ]
        seconds, status = _timed(cmd, root, remaining(), training_log)
        out["retrain_finetune_s"], out["retrain_finetune_status"] = seconds, status
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)
