"""A warm training process: the trainer's retrains skip importing Rasa and re-reading unchanged data.

`python scripts/train.py --worker` (what `./trainer.sh train` runs) hands the
training to this process and starts it when none is running. It serves one
project, one training at a time, over a Unix socket, and exits after
`idle_s` without a training. A training here is `rasa train` with the same
arguments and the same validation, in a process where Rasa is already imported
and `nlu.training.warm_training` keeps what repeats between trainings
(docs/benchmarks.md: a retrain after 20 phrasings); `nlu.training.batched_features`
featurizes the training data in bulk, `nlu.training.regex_memo` keeps unchanged
messages' regex features, `nlu.training.vector_memo` their sentence vectors, and
`nlu.training.warm_classifier` starts a retrain's classifier from the previous fit.

Protocol, one JSON object per line. The client sends
`{"argv": [...rasa train arguments...], "code": "<code_version>"}` or
`{"stop": true}`; the worker answers any number of `{"log": "..."}` lines, then
one of `{"model": "<path>"}`, `{"error": "..."}` or `{"restart": "..."}` (its
own nlu/ code is older than the client's: it exits, the client starts a new one).

`--once` trains a single time in this process with the same speed-ups, then
exits: what `make train` runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Optional

log = logging.getLogger(__name__)

# A trainer's session of label, train, evaluate; scripts/train.py passes SHOP_TRAIN_WORKER_IDLE_S.
DEFAULT_IDLE_S = 30 * 60.0
LOG_FORMAT = "%(asctime)s %(levelname)-8s %(name)s  - %(message)s"  # as Rasa's CLI logs


def code_version(root: Path) -> str:
    """A hash of the nlu/ code this process imports: a changed component needs a fresh process."""
    digest = hashlib.sha256()
    for path in sorted((root / "nlu").rglob("*.py")):
        if "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def socket_path(root: Path) -> Path:
    """One worker per project folder; in the temp dir, as a socket path must stay short."""
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"shop-train-worker-{key}.sock"


class _Lines(logging.Handler):
    """Sends the training's log records to the client as `{"log": ...}` lines."""

    def __init__(self, conn: socket.socket) -> None:
        super().__init__(logging.INFO)
        self._conn = conn
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            _send(self._conn, {"log": self.format(record)})
        except OSError:
            pass  # the client went away; the training still finishes and fills the cache


def _send(conn: socket.socket, message: Dict[str, Any]) -> None:
    conn.sendall((json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8"))


def _read_request(conn: socket.socket) -> Optional[Dict[str, Any]]:
    buffer = b""
    while not buffer.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    try:
        request = json.loads(buffer)
    except ValueError:
        return None
    return request if isinstance(request, dict) else None


def _train(argv: list) -> Dict[str, Any]:
    from rasa.__main__ import create_argument_parser
    from rasa.cli.train import run_training

    args = create_argument_parser().parse_args(["train", *argv])
    try:
        model = run_training(args, can_exit=False)
    except SystemExit as stop:  # Rasa's validation exits on invalid data, after logging why
        return {"error": f"rasa train stopped (exit {stop.code}): see the log above"}
    except Exception as error:  # a bad config or data file: report it, keep serving
        log.exception("training failed")
        return {"error": f"{type(error).__name__}: {error}"}
    return {"model": model} if model else {"error": "rasa train produced no model: see the log above"}


def install_speedups() -> None:
    """What makes a training here faster than `rasa train`, and trains the same model."""
    from threadpoolctl import threadpool_limits

    from nlu.training import batched_features, regex_memo, warm_classifier, warm_training

    warm_training.install()
    batched_features.install()
    regex_memo.install()
    warm_classifier.install()
    # One BLAS thread: the classifier's fit is mostly single-threaded sparse products, and
    # OpenBLAS's second thread only spins beside them (fit 5.3 s instead of 4.5 s, twice the CPU).
    threadpool_limits(limits=1, user_api="blas")


def serve(root: Path, sock_path: Path, idle_s: float) -> None:
    from nlu.training import vector_memo

    install_speedups()
    # Here only: a kept vector was encoded in another batch (about 2e-7 apart), so `make train`
    # (`--once`) encodes every text as `rasa train` does and gives its model exactly.
    vector_memo.install()
    version = code_version(root)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if sock_path.exists():
        sock_path.unlink()
    server.bind(str(sock_path))
    server.listen(8)
    server.settimeout(idle_s)
    log.info("training worker for %s listening on %s", root, sock_path)
    try:
        while True:
            try:
                conn, _ = server.accept()
            except socket.timeout:
                log.info("no training for %.0f s: exiting", idle_s)
                return
            with conn:
                conn.settimeout(None)
                request = _read_request(conn)
                if request is None:
                    continue
                if request.get("stop"):
                    _send(conn, {"stopped": True})
                    return
                if request.get("code") != version:
                    _send(conn, {"restart": "the nlu/ code changed since this worker started"})
                    return
                handler = _Lines(conn)
                logging.getLogger().addHandler(handler)
                started = time.monotonic()
                try:
                    result = _train(list(request.get("argv") or []))
                finally:
                    logging.getLogger().removeHandler(handler)
                log.info("training done in %.1f s: %s", time.monotonic() - started, result)
                try:
                    _send(conn, result)
                except OSError:
                    pass
    finally:
        server.close()
        if sock_path.exists():
            sock_path.unlink()


def train_once(argv: list) -> int:
    """One training in this process with the same speed-ups (`make train`), then exit."""
    install_speedups()
    result = _train(argv)
    if "error" in result:
        print(f"train: {result['error']}", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument(
        "--idle", type=float, default=DEFAULT_IDLE_S, help="exit after this many idle seconds"
    )
    parser.add_argument(
        "--once", nargs=argparse.REMAINDER, help="train once with these `rasa train` arguments, then exit"
    )
    args = parser.parse_args()
    # Rasa's CLI logs to stdout as well; `scripts/train.py --quiet` hides stdout.
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format=LOG_FORMAT)
    logging.getLogger("rasa").setLevel(logging.INFO)  # "Starting to train component ..." lines
    logging.getLogger("nlu").setLevel(logging.INFO)  # "classifier: 11 solver iterations, ..."
    root = args.root.resolve()
    os.chdir(root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    if args.once is not None:
        sys.exit(train_once(args.once))
    serve(root, socket_path(root), args.idle)


if __name__ == "__main__":
    main()
