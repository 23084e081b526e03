"""Training times: from scratch, and retraining after a trainer adds 20 phrasings.

All in temporary copies of the project's training inputs, each with its own
empty `.rasa` cache, so the project's cache and models are untouched. Four
trainings, each bounded in time:

1. from scratch, the plain way (`scripts/train.py` = `make train`: a fresh
   process runs `rasa train`, empty cache);
2. the same after adding bench/added_phrasings.yml, again in a fresh process
   (Rasa's cache skips what did not change);
3. in a second copy, from scratch in the training worker (`scripts/train.py
   --worker`, what `./trainer.sh train` runs; no worker is running, so this
   includes starting it);
4. the trainer's retrain: the same phrasings added, `--worker` again (warm).

(3) and (4) are measured `worker_rounds` times, each round in a fresh copy with
its own worker, and their medians are reported: on this shared machine the same
work varies by a third from one minute to the next.
The target compares (4) with the faster of (1) and (3).
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from paths import PROJECT_ROOT

RASA_PY = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
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
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONPATH=str(root),
        SHOP_TRAIN_WORKER_IDLE_S="120",
    )
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


def _train_script(
    root: Path, timeout_s: float, log: Path, *extra: str
) -> tuple[float | None, str, Path | None]:
    seconds, status = _timed([str(RASA_PY), "scripts/train.py", "--quiet", *extra], root, timeout_s, log)
    found = subprocess.run(
        [str(RASA_PY), "scripts/train.py", "--check"],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env(root),
    )
    model = Path(found.stdout.strip()) if found.returncode == 0 else None
    return seconds, status, model


def _stop_worker(root: Path) -> None:
    subprocess.run(
        [str(RASA_PY), "scripts/train.py", "--stop-worker"], cwd=root, env=_env(root), capture_output=True
    )


def measure_training(
    *, budget_s: float, log_dir: Path, adopt_model: bool = True, worker_rounds: int = 3, log=print
) -> dict[str, Any]:
    """The four training times within `budget_s` in all (a step is cut off when the budget
    runs out; the report says so). With `adopt_model`, the from-scratch model of the current
    inputs is copied into the project's models/ when that is missing (saves a training)."""
    deadline = time.monotonic() + budget_s

    def remaining() -> float:
        return max(1.0, deadline - time.monotonic())

    log_dir.mkdir(parents=True, exist_ok=True)
    training_log = log_dir / "training.log"
    plain = Path(tempfile.mkdtemp(prefix="shop-bench-train-"))
    out: dict[str, Any] = {"budget_s": budget_s, "log": str(training_log)}
    try:
        copy_project(plain)
        log("training: from scratch (empty cache)")
        seconds, status, scratch = _train_script(plain, remaining(), training_log)
        out["from_scratch_s"], out["from_scratch_status"] = seconds, status
        if scratch is None:
            return out
        project_model = PROJECT_ROOT / "models" / scratch.name
        if adopt_model and not project_model.exists():
            project_model.parent.mkdir(exist_ok=True)
            shutil.copy2(scratch, project_model)
            out["adopted_model"] = scratch.name
        shutil.copy2(ADDED, plain / "data" / "nlu" / "bench_added.yml")
        log("training: retrain after adding 20 phrasings, fresh process (warm cache)")
        seconds, status, _ = _train_script(plain, remaining(), training_log)
        out["retrain_cached_s"], out["retrain_cached_status"] = seconds, status
        for key in ("worker_scratch", "retrain_worker"):
            out[f"{key}_runs"] = []
        for round_number in range(1, worker_rounds + 1):
            warm = Path(tempfile.mkdtemp(prefix="shop-bench-worker-"))
            try:
                copy_project(warm)
                log(f"training: from scratch in a new training worker (empty cache), round {round_number}")
                seconds, status, _ = _train_script(warm, remaining(), training_log, "--worker")
                out["worker_scratch_status"] = status
                if seconds is None:
                    break
                out["worker_scratch_runs"].append(seconds)
                shutil.copy2(ADDED, warm / "data" / "nlu" / "bench_added.yml")
                log(
                    f"training: the trainer's retrain after adding 20 phrasings (warm worker), round {round_number}"
                )
                seconds, status, _ = _train_script(warm, remaining(), training_log, "--worker")
                out["retrain_worker_status"] = status
                if seconds is None:
                    break
                out["retrain_worker_runs"].append(seconds)
            finally:
                _stop_worker(warm)
                shutil.rmtree(warm, ignore_errors=True)
        for key in ("worker_scratch", "retrain_worker"):
            runs = out[f"{key}_runs"]
            out[f"{key}_s"] = round(statistics.median(runs), 1) if runs else None
        return out
    finally:
        shutil.rmtree(plain, ignore_errors=True)
