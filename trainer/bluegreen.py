"""Switching the running assistant to another model without a pause (blue/green).

Start a second Rasa server with the new model on the same endpoints (same
tracker store, lock store and action server: the old server's endpoints file
is copied), wait until it is healthy and `/status` names the new model, switch
var/run/upstream.json (the gateway's RasaClient follows it per request), let
the old server drain, then stop it. `PUT /model` is not an option: it blocks
the server for 15-20 s (shared/notes/rasa-runtime-facts.md).

Draining: a request already sent to the old server finishes there. We wait
until the old server has no open TCP connection for a second (httpx and Sanic
both close idle keep-alive connections after 5 s), or at most the client
timeout (RASA_TIMEOUT): after that a client has given up on its request anyway.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from stack import rasa_api
from stack.rasa_api import bearer
from stack.servers import StartError, endpoints_file, free_port, pid_file, start_rasa_server, stop_recorded
from stack.settings import Settings, load_settings
from stack.upstream import read_upstream, servers_running, write_upstream
from trainer.settings import Project


@dataclass
class Switch:
    """What the switch did and how long each step took (seconds)."""

    mode: str  # "blue-green" or "state-only" (nothing running: the next start serves it)
    old_urls: list[str] = field(default_factory=list)
    new_urls: list[str] = field(default_factory=list)
    start_s: float = 0.0
    switch_s: float = 0.0
    drain_s: float = 0.0
    total_s: float = 0.0
    note: str = ""


def server_settings(project: Project) -> Settings:
    return replace(load_settings(), project_root=project.root, var_dir=project.var_dir)


def _pid_alive(path: Path) -> bool:
    try:
        os.kill(int(path.read_text(encoding="utf-8")), 0)
    except (OSError, ValueError):
        return False
    return True


def established(port: int) -> int | None:
    """Open TCP connections to a local server port (None: not measurable here)."""
    count = 0
    try:
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            if not Path(table).exists():
                continue
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    count += 1
    except (OSError, ValueError, IndexError):
        return None
    return count


def drain(ports: list[int], max_s: float, min_s: float = 2.0, quiet_s: float = 1.0) -> float:
    """Waits until no connection is open to `ports` for `quiet_s`, or `max_s`; returns the wait."""
    started = time.monotonic()
    quiet_since: float | None = None
    while (elapsed := time.monotonic() - started) < max_s:
        counts = [established(p) for p in ports]
        if None in counts:
            time.sleep(0.2)  # not measurable: wait out the whole grace period
            continue
        if sum(counts):  # type: ignore[arg-type]
            quiet_since = None
        else:
            quiet_since = quiet_since or time.monotonic()
            if elapsed >= min_s and time.monotonic() - quiet_since >= quiet_s:
                return elapsed
        time.sleep(0.1)
    return time.monotonic() - started


def _serves(url: str, model: Path, token: str | None) -> bool:
    try:
        status = rasa_api.get(url, "/status", token).json()
        channel = httpx.get(url + "/webhooks/inspect/", timeout=5, trust_env=False, headers=bearer(token))
    except (httpx.HTTPError, ValueError):
        return False
    return Path(str(status.get("model_file") or "")).name == model.name and channel.status_code == 200


def switch_to(project: Project, model: Path, *, drain_max_s: float | None = None) -> Switch:
    """Puts `model` behind every running upstream server (or nothing, if none runs)."""
    settings = server_settings(project)
    upstream_file = settings.run_dir / "upstream.json"
    upstream = read_upstream(upstream_file)
    if upstream is not None and not servers_running(upstream):
        upstream = None  # left by a stack that is gone: nothing to switch
    old_urls = list(upstream["urls"]) if upstream else []
    ports = [httpx.URL(u).port or 0 for u in old_urls]
    managed = [p for p in ports if _pid_alive(pid_file(settings, p))]
    if not old_urls or not managed:
        note = "no Rasa server started by this project is running: the next start serves the new model"
        return Switch("state-only", note=note)
    if len(managed) != len(ports):
        raise StartError(
            "some Rasa servers in upstream.json were not started by this project; restart them instead"
        )
    # The running servers' token (the stack's own, or RASA_TOKEN): the gateway keeps using it.
    token = (upstream or {}).get("token") or settings.rasa_token
    if not token:
        raise StartError("the running Rasa servers' token is unknown: set RASA_TOKEN as for the gateway")
    started = time.monotonic()
    new_urls: list[str] = []
    new_pids: list[int] = []
    try:
        for port in ports:
            new_port = free_port()
            started_procs: list = []
            url = start_rasa_server(
                settings,
                model,
                "",
                started_procs,
                port=new_port,
                name=f"rasa-{new_port}",
                endpoints_from=endpoints_file(settings, port),
                token=token,
            )
            new_urls.append(url)
            new_pids.append(started_procs[0].pid)
            if not _serves(url, model, token):
                raise StartError(f"the new server at {url} does not report {model.name}")
    except BaseException:
        for url in new_urls:
            stop_recorded(settings, httpx.URL(url).port or 0)
        raise
    ready = time.monotonic()
    write_upstream(upstream_file, new_urls, pids=new_pids, token=token, model=str(model))
    switched = time.monotonic()
    waited = drain(ports, project.drain_s if drain_max_s is None else drain_max_s)
    for port in ports:
        stop_recorded(settings, port)
    return Switch(
        "blue-green",
        old_urls=old_urls,
        new_urls=new_urls,
        start_s=ready - started,
        switch_s=switched - ready,
        drain_s=waited,
        total_s=time.monotonic() - started,
    )
