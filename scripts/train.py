"""Trains the assistant only when its training inputs changed.

The model is named after a hash of everything that shapes it (config.yml,
domain.yml, the Rasa data paths, and nlu/ code and lexicon when the config uses
our components), so an unchanged project reuses `models/<hash>.tar.gz` and a
changed dictionary or pattern file always yields a new model (Rasa's own cache
fingerprints side files by path).

    python scripts/train.py            # train if needed, print the model path
    python scripts/train.py --check    # print the path, or exit 3 if not trained
    python scripts/train.py --worker   # train in the warm training process (the trainer's retrains)
    python scripts/train.py --stop-worker

`--worker` gives the same model as a plain run; it starts the project's training
worker (nlu/training/worker.py) when none is running, and that process stays
for later retrains until it has been idle for 30 minutes.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_PATHS = ["data/nlu", "data/rules", "data/stories", "responses/templates"]
HASHED = [
    "config.yml",
    "domain.yml",
    "data/nlu",
    "data/rules",
    "data/stories",
    "data/lexicon",
    "responses",
    "nlu",
]
# Read only by our components: a config of stock components alone (the evaluation's
# baseline) keeps its model when they change.
OUR_CODE = {"nlu", "data/lexicon"}
SKIP_PARTS = {"__pycache__", ".pytest_cache"}


def uses_our_components(root: Path, config: str) -> bool:
    return "nlu.components" in (root / config).read_text(encoding="utf-8")  # as nlu/evaluation/models.py


def inputs_hash(root: Path = ROOT, config: str = "config.yml") -> str:
    digest = hashlib.sha256()
    ours = uses_our_components(root, config)
    for name in [config] + HASHED[1:]:
        if name in OUR_CODE and not ours:
            continue
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if SKIP_PARTS & set(file.parts) or not file.exists():
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def data_paths(root: Path = ROOT) -> list[str]:
    return [p for p in DATA_PATHS if (root / p).is_dir() and any((root / p).glob("*.yml"))]


def model_path(root: Path = ROOT, config: str = "config.yml", prefix: str = "") -> Path:
    return root / "models" / f"{prefix}{inputs_hash(root, config)}.tar.gz"


def rasa_train_args(root: Path, config: str, target: Path) -> list[str]:
    return [
        "--config",
        config,
        "--domain",
        "domain.yml",
        "--data",
        *data_paths(root),
        "--out",
        "models",
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]


def train(root: Path, config: str, prefix: str, quiet: bool, worker: bool = False) -> Path:
    target = model_path(root, config, prefix)
    if target.exists():
        return target
    print(f"train: training {target.name} (inputs changed); this takes a few minutes", file=sys.stderr)
    if worker:
        code = train_in_worker(root, rasa_train_args(root, config, target), quiet)
    else:
        # `rasa train` in a fresh process, with the worker's speed-ups (nlu/training/warm_training.py).
        cmd = [sys.executable, "-m", "nlu.training.worker", "--root", str(root), "--once"]
        out = subprocess.DEVNULL if quiet else None
        code = subprocess.run(
            cmd + rasa_train_args(root, config, target), cwd=root, env=_train_env(root), stdout=out
        ).returncode
    if code != 0 or not target.exists():
        sys.exit(f"train: rasa train failed (exit {code}); run 'make train' to see why")
    return target


# --- the warm training worker (nlu/training/worker.py) ---------------------------------
def _train_env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONPATH": str(root),
    }


def _worker_module(root: Path):
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from nlu.training import worker as training_worker

    return training_worker


def _connect(path: Path) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
        return conn
    except OSError:
        conn.close()
        return None


def _start_worker(root: Path, path: Path) -> socket.socket:
    log_path = root / "var" / "logs" / "train-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = _train_env(root)
    cmd = [sys.executable, "-m", "nlu.training.worker", "--root", str(root)]
    if idle := os.environ.get("SHOP_TRAIN_WORKER_IDLE_S"):
        cmd += ["--idle", idle]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if (conn := _connect(path)) is not None:
            return conn
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    sys.exit(f"train: the training worker did not start; see {log_path}")


def train_in_worker(root: Path, argv: list[str], quiet: bool) -> int:
    """Runs `rasa train argv` in the project's training worker, starting one if needed; the exit code."""
    worker = _worker_module(root)
    path = worker.socket_path(root)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one client at a time starts or talks to the worker
        for _ in range(2):  # a worker with older nlu/ code exits: start a fresh one, once
            with _connect(path) or _start_worker(root, path) as conn:
                code = _run_job(conn, {"argv": argv, "code": worker.code_version(root)}, quiet)
            if code is not None:
                return code
            _wait_gone(path)
    return 1


def _run_job(conn: socket.socket, request: dict, quiet: bool) -> int | None:
    """Sends one training and relays its log; the exit code, or None when the worker asks for a restart."""
    conn.sendall((json.dumps(request) + "\n").encode())
    for line in conn.makefile("r", encoding="utf-8"):
        answer = json.loads(line)
        if "log" in answer:
            if not quiet:
                print(answer["log"], flush=True)
        elif "model" in answer:
            return 0
        elif "error" in answer:
            print(f"train: {answer['error']} (also in var/logs/train-worker.log)", file=sys.stderr)
            return 1
        elif "restart" in answer:
            print(f"train: restarting the training worker ({answer['restart']})", file=sys.stderr)
            return None
    print(
        "train: the training worker stopped during the training; see var/logs/train-worker.log",
        file=sys.stderr,
    )
    return 1


def _wait_gone(path: Path) -> None:
    deadline = time.monotonic() + 30
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def stop_worker(root: Path) -> bool:
    """Stops the project's training worker; False when none was running."""
    path = _worker_module(root).socket_path(root)
    conn = _connect(path)
    if conn is None:
        return False
    with conn:
        conn.sendall(b'{"stop": true}\n')
        conn.makefile("r").readline()
    _wait_gone(path)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only print the path; exit 3 if missing")
    parser.add_argument("--config", default="config.yml", help="the pipeline config to train")
    parser.add_argument("--prefix", default="", help="model name prefix (e.g. 'baseline-')")
    parser.add_argument("--quiet", action="store_true", help="hide Rasa's training output")
    parser.add_argument("--worker", action="store_true", help="train in the warm training process")
    parser.add_argument("--stop-worker", action="store_true", help="stop the training process, if any")
    args = parser.parse_args()
    if args.stop_worker:
        print("training worker stopped" if stop_worker(ROOT) else "no training worker was running")
        return
    if args.check:
        path = model_path(ROOT, args.config, args.prefix)
        if not path.exists():
            print(f"no trained model for the current data ({path.name}): run 'make train'", file=sys.stderr)
            sys.exit(3)
        print(path)
        return
    print(train(ROOT, args.config, args.prefix, args.quiet, args.worker))


if __name__ == "__main__":
    main()
