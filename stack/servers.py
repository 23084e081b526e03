"""Starts and stops the action server and the Rasa server on localhost.

Used by the simulator, `make serve` and the tests. Each server runs in its own
process group on a free port, logs to var/logs/, and is health-checked before
use; whatever this module started is stopped on exit, also on Ctrl-C or when a
start fails halfway, so no stray processes are left behind.

Each Rasa server leaves `var/run/rasa-<port>.pid` and the stack writes
`var/run/upstream.json` (stack/upstream.py), so a separate process (the trainer's
blue/green promote) can start a replacement on the same endpoints, switch the
gateway over and stop the old server.

Both servers listen on BIND_HOST (127.0.0.1) and check a secret (docs/architecture.md,
"Between the processes"): Rasa's API and our channel a token (RASA_TOKEN), the action
server the secret Rasa sends from the endpoints file (ACTION_SERVER_SECRET); a stack
generates both when they are not set. Each process gets only the environment it
needs (stack/process_env.py); files with secrets are owner-only and removed at exit.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from stack import rasa_api
from stack.private_files import private_dir, write_private
from stack.process_env import action_env, console_env, rasa_env
from stack.redis_url import BadRedisUrl, RedisLockStore, parse_redis_url
from stack.settings import Settings
from stack.tracker_db_url import BadTrackerDbUrl, TrackerDb, parse_tracker_db_url
from stack.upstream import read_upstream, write_upstream
from stack.yaml_text import yaml_string


class StartError(Exception):
    """A server could not be started; the message says what to do."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _choose_port(wanted: int, what: str, env_name: str) -> int:
    if wanted == 0:
        return free_port()
    if port_in_use(wanted):
        raise StartError(
            f"port {wanted} for the {what} is in use: stop what uses it or set {env_name} to another port (0 = any free port)"
        )
    return wanted


def live_model(settings: Settings) -> Path | None:
    """The model a trainer promoted (var/trainer/state.json), if any."""
    try:
        live = json.loads((settings.var_dir / "trainer" / "state.json").read_text(encoding="utf-8"))["live"]
    except (OSError, ValueError, KeyError):
        return None
    return settings.project_root / live if live else None


def find_model(settings: Settings) -> Path:
    """The model to serve: RASA_MODEL, else the promoted live model, else the current data's."""
    if settings.model_path is not None:
        if not settings.model_path.exists():
            raise StartError(
                f"RASA_MODEL {settings.model_path} does not exist: run 'make train' or fix the path"
            )
        return settings.model_path
    live = live_model(settings)
    if live is not None:
        if not live.exists():
            raise StartError(
                f"the live model {live} is missing: run './trainer.sh rollback' or './trainer.sh promote'"
            )
        return live
    rasa_python = settings.project_root / ".venv-rasa" / "bin" / "python"
    if not rasa_python.exists():
        raise StartError("the Rasa environment is missing: run 'make install'")
    result = subprocess.run(
        [str(rasa_python), "scripts/train.py", "--check"],
        cwd=settings.project_root,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise StartError("no trained model for the current training data: run 'make train' (or 'make demo')")
    return Path(result.stdout.strip())


# Rasa's SQL tracker store that keeps conversations in memory between turns; "SQL" is the stock one.
OUR_TRACKER_STORE = "nlu.server.tracker_store.CachedSQLTrackerStore"


def endpoints_yaml(
    settings: Settings,
    action_url: str,
    tracker_store: str = OUR_TRACKER_STORE,
    *,
    action_secret: str | None = None,
) -> str:
    """Rasa's endpoints: our action server (with the secret it checks), an SQL tracker store, the lock store."""
    lines = ["action_endpoint:", f"  url: {yaml_string(action_url)}"]
    if action_secret:
        lines += ["  headers:", f"    Authorization: {yaml_string(f'Bearer {action_secret}')}"]
    lines += ["tracker_store:", f"  type: {tracker_store}"]
    tracker_db = tracker_database(settings)
    if tracker_db is not None:
        lines += tracker_db.endpoint_lines()
    else:
        lines += ["  dialect: sqlite", f"  db: {yaml_string(str(settings.var_dir / 'rasa_tracker.db'))}"]
    lock_store = redis_lock_store(settings)
    if lock_store is not None:
        lines += lock_store.endpoint_lines()
    return "\n".join(lines) + "\n"


def tracker_database(settings: Settings) -> TrackerDb | None:
    """The PostgreSQL database TRACKER_DB_URL names (None: SQLite); a URL that cannot be read stops the start."""
    if not settings.tracker_db_url:
        return None
    try:
        return parse_tracker_db_url(settings.tracker_db_url)
    except BadTrackerDbUrl as exc:
        raise StartError(str(exc)) from None


def redis_lock_store(settings: Settings) -> RedisLockStore | None:
    """The Redis lock store REDIS_URL names (None: not set); a URL that cannot be read stops the start."""
    if not settings.redis_url:
        return None
    try:
        return parse_redis_url(settings.redis_url)
    except BadRedisUrl as exc:
        raise StartError(str(exc)) from None


@dataclass
class Stack:
    """The running servers and where to reach them."""

    rasa_url: str
    action_url: str
    model: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    rasa_token: str = field(default="", repr=False)  # what Rasa's API and our channel require
    action_secret: str = field(default="", repr=False)  # what the action server requires of Rasa


def reach_host(bind_host: str) -> str:
    """The address to connect to a server listening on `bind_host`."""
    return "127.0.0.1" if bind_host in ("0.0.0.0", "", "::") else bind_host


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _spawn(cmd: list[str], log_file: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_file, "ab")
    # A process group of its own: we can stop the server and any child it forked.
    return subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(processes: list[subprocess.Popen], grace_s: float = 10.0) -> None:
    for proc in processes:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + grace_s
    for proc in processes:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


def _wait_healthy(
    proc: subprocess.Popen,
    url: str,
    what: str,
    log_file: Path,
    timeout_s: float,
    ready: Callable[[httpx.Response], bool] = lambda resp: resp.status_code == 200,
    token: str | None = None,
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StartError(f"the {what} exited while starting (exit {proc.returncode}): see {log_file}")
        try:
            resp = rasa_api.get(url, "", token, timeout=2)
        except httpx.HTTPError:
            resp = None
        if resp is not None and ready(resp):
            return
        time.sleep(0.5)
    raise StartError(f"the {what} did not become healthy within {timeout_s:.0f} s: see {log_file}")


def _model_loaded(model: Path, log_file: Path) -> Callable[[httpx.Response], bool]:
    """Rasa serves even when its model failed to load: only a loaded model counts."""

    def ready(resp: httpx.Response) -> bool:
        # Rasa loads the model before it accepts connections, so "no agent
        # loaded" (409) from a listening server means the model failed to load.
        if resp.status_code == 200 and resp.json().get("model_file"):
            return True
        if resp.status_code not in (200, 409):
            return False
        raise StartError(f"the Rasa server could not load the model {model.name}: see {log_file}")

    return ready


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def start_action_server(
    settings: Settings, processes: list[subprocess.Popen], actions: str = "actions", *, secret: str
) -> str:
    """Our rasa-sdk server (actions/server.py) serving the `actions` module (the benchmark swaps in
    `bench.noop_actions`); it answers only requests that carry `secret`."""
    port = _choose_port(settings.action_port, "action server", "ACTION_PORT")
    log_file = settings.log_dir / "actions.log"
    cmd = [
        str(settings.project_root / ".venv" / "bin" / "python"),
        "-m",
        "actions.server",
        "--actions",
        actions,
        "--host",
        settings.bind_host,
        "--port",
        str(port),
    ]
    env = action_env(str(settings.project_root), action_secret=secret, database_url=settings.database_url)
    proc = _spawn(cmd, log_file, env, settings.project_root)
    processes.append(proc)
    base = f"http://{url_host(reach_host(settings.bind_host))}:{port}"
    _wait_healthy(proc, f"{base}/health", "action server", log_file, 60)
    return f"{base}/webhook"


def start_rasa_server(
    settings: Settings,
    model: Path,
    action_url: str,
    processes: list[subprocess.Popen],
    *,
    port: int | None = None,
    name: str = "rasa",
    endpoints_from: Path | None = None,
    credentials: Path | None = None,
    tracker_store: str = OUR_TRACKER_STORE,
    start_timeout_s: float = 240,
    token: str,
    action_secret: str | None = None,
) -> str:
    """Starts `rasa run` (through nlu/server/__main__.py); `endpoints_from`: copy another server's
    endpoints (same stores, same action server secret).

    `token`: what Rasa's API and our channel will require (RASA_TOKEN); `action_secret`:
    what Rasa sends the action server (written into the owner-only endpoints file).

    `credentials`: another channel file than credentials.yml (the benchmark's stock
    reference server serves only Rasa's REST channel; `tracker_store="SQL"` gives it
    Rasa's own SQL tracker store). `start_timeout_s`: a busy
    machine (the benchmark starts three servers at once) needs more than 240 s.
    """
    port = port or _choose_port(settings.rasa_port, "Rasa server", "RASA_PORT")
    private_dir(settings.run_dir)
    endpoints = endpoints_file(settings, port)
    text = endpoints_from.read_text(encoding="utf-8") if endpoints_from else None
    write_private(
        endpoints, text or endpoints_yaml(settings, action_url, tracker_store, action_secret=action_secret)
    )
    log_file = settings.log_dir / f"{name}.log"
    cmd = [
        str(settings.project_root / ".venv-rasa" / "bin" / "python"),
        "-m",
        "nlu.server",  # `rasa run`, the token from the environment, buyer text kept out of the log
        "--enable-api",
        "-i",
        settings.bind_host,
        "-p",
        str(port),
        "-m",
        str(model),
        "--credentials",
        str(credentials or "credentials.yml"),
        "--endpoints",
        str(endpoints),
    ]
    env = rasa_env(str(settings.project_root), rasa_token=token)
    if settings.redis_url and settings.rasa_workers > 1:
        env["SANIC_WORKERS"] = str(settings.rasa_workers)
    proc = _spawn(cmd, log_file, env, settings.project_root)
    processes.append(proc)
    pid_file(settings, port).write_text(str(proc.pid), encoding="utf-8")
    base = f"http://{url_host(reach_host(settings.bind_host))}:{port}"
    try:
        _wait_healthy(
            proc,
            f"{base}/status",
            "Rasa server",
            log_file,
            start_timeout_s,
            ready=_model_loaded(model, log_file),
            token=token,
        )
    except StartError:
        pid_file(settings, port).unlink(missing_ok=True)
        endpoints.unlink(missing_ok=True)
        raise
    return base


def pid_file(settings: Settings, port: int) -> Path:
    return settings.run_dir / f"rasa-{port}.pid"


def endpoints_file(settings: Settings, port: int) -> Path:
    """Rasa's endpoints of the server on `port`: the tracker DB password, the action secret."""
    return settings.run_dir / f"endpoints-{port}.yml"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        # A stopped child of another process stays a zombie until reaped: that is dead.
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] != "Z"
    except (OSError, IndexError):
        return False


def stop_recorded(settings: Settings, port: int, grace_s: float = 10.0) -> None:
    """Stops the Rasa server recorded in var/run/rasa-<port>.pid (any process may call this)."""
    path = pid_file(settings, port)
    try:
        pid = int(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)  # its own session: the group id is its pid
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not _alive(pid):
            break
    path.unlink(missing_ok=True)
    endpoints_file(settings, port).unlink(missing_ok=True)


def _stop_switched(settings: Settings, own_url: str) -> None:
    """At exit, also stop servers a promotion put in place of ours, and forget the upstream."""
    upstream = settings.run_dir / "upstream.json"
    for url in (read_upstream(upstream) or {}).get("urls", []):
        if url != own_url:
            port = httpx.URL(url).port
            if port:
                stop_recorded(settings, port)
    upstream.unlink(missing_ok=True)


@contextmanager
def running_stack(settings: Settings) -> Iterator[Stack]:
    """Starts the action server and one Rasa server; stops both on exit."""
    # A bad TRACKER_DB_URL or REDIS_URL is said before anything starts.
    tracker_database(settings)
    redis_lock_store(settings)
    model = find_model(settings)
    processes: list[subprocess.Popen] = []
    rasa_url = ""
    previous = signal.getsignal(signal.SIGTERM)
    # A SIGTERM to us must still stop the servers: turn it into an exception.
    if previous in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Per run unless configured (several hosts): never logged, only in owner-only files.
    token = settings.rasa_token or new_secret()
    action_secret = settings.action_secret or new_secret()
    rasa_port = 0
    try:
        action_url = start_action_server(settings, processes, secret=action_secret)
        rasa_port = _choose_port(settings.rasa_port, "Rasa server", "RASA_PORT")
        rasa_url = start_rasa_server(
            settings, model, action_url, processes, port=rasa_port, token=token, action_secret=action_secret
        )
        write_upstream(
            settings.run_dir / "upstream.json",
            [rasa_url],
            pids=[processes[-1].pid],
            token=token,
            model=str(model),
        )
        yield Stack(
            rasa_url=rasa_url,
            action_url=action_url,
            model=model,
            processes=processes,
            rasa_token=token,
            action_secret=action_secret,
        )
    finally:
        stop(processes)
        if rasa_url:
            _stop_switched(settings, rasa_url)
        if rasa_port:
            pid_file(settings, rasa_port).unlink(missing_ok=True)
            endpoints_file(settings, rasa_port).unlink(missing_ok=True)
        if previous in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def start_console(settings: Settings, processes: list[subprocess.Popen], *, host: str, port: int) -> str:
    """The web console (`python -m console`, console/) on host:port; its URL once it answers."""
    if port_in_use(port):
        raise StartError(f"port {port} for the web console is in use: stop what uses it or set CONSOLE_PORT")
    log_file = settings.log_dir / "console.log"
    cmd = [str(settings.project_root / ".venv" / "bin" / "python"), "-m", "console"]
    env = console_env(str(settings.project_root), database_url=settings.database_url)
    env.update(CONSOLE_HOST=host, CONSOLE_PORT=str(port), VAR_DIR=str(settings.var_dir))
    proc = _spawn(cmd, log_file, env, settings.project_root)
    processes.append(proc)
    url = f"http://{url_host(reach_host(host))}:{port}"
    _wait_healthy(proc, f"{url}/signin", "web console", log_file, 60)
    return url


@contextmanager
def running_console(settings: Settings, *, host: str, port: int) -> Iterator[str | None]:
    """The web console beside the gateway or the simulator, stopped on exit.

    It is a convenience there: if it cannot start, the reason is printed and the
    rest runs on (None instead of its URL).
    """
    processes: list[subprocess.Popen] = []
    try:
        try:
            url: str | None = start_console(settings, processes, host=host, port=port)
        except StartError as exc:
            print(f"the web console did not start: {exc}", file=sys.stderr)
            url = None
        yield url
    finally:
        stop(processes)


@contextmanager
def console_beside(settings: Settings) -> Iterator[str | None]:
    """The web console while the gateway or the simulator runs, when CONSOLE=1 (make serve, make demo)."""
    if not settings.console:
        yield None
        return
    with running_console(settings, host=settings.console_host, port=settings.console_port) as url:
        if url:
            print(f"web console: {url}/  (README: 'Web console')", file=sys.stderr)
        yield url
