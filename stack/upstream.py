"""Which Rasa server(s) the gateway talks to right now: `var/run/upstream.json`.

A promotion (trainer/promote.py) starts a Rasa server with the new model and
then rewrites this file with an atomic rename; every RasaClient that follows
the file sees the switch on its next request. Following costs one `stat` per
request: the file is re-read only when its inode, mtime or size changed.

The file also names the processes of its servers (pid and start time) and the
token they accept; it is written owner-only. A stack that was killed leaves
the file behind: once any of its servers is gone (or its pid now belongs to
another process) the file is ignored and the configured servers are used.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stack.private_files import write_private


def process_started(pid: int) -> str | None:
    """The process's start time (clock ticks since boot): with the pid, one process ever."""
    try:
        # Field 22 of /proc/<pid>/stat; the command name before it may hold spaces.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def process_running(pid: int, started: str | None) -> bool:
    """True while the process recorded as (pid, start time) runs (a zombie does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return stat[0] != "Z" and (started is None or stat[19] == started)


def write_upstream(
    path: Path, urls: list[str], *, pids: list[int], token: str | None = None, **extra: Any
) -> None:
    """Atomically replace the upstream file (readers see the old or the new list).

    `pids`: the processes serving `urls` (the file counts only while they all run);
    `token`: what they accept (RASA_TOKEN), for a gateway or trainer started apart.
    """
    servers = [{"pid": pid, "started": process_started(pid)} for pid in pids]
    data = {"urls": urls, "servers": servers, **({"token": token} if token else {}), **extra}
    write_private(path, json.dumps(data, ensure_ascii=False))


def read_upstream(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("urls") else None


def servers_running(data: dict[str, Any]) -> bool:
    """True when the file names its servers and every one of them still runs."""
    servers = data.get("servers")
    if not isinstance(servers, list) or not servers:
        return False  # nobody vouches for these URLs: a file from an older version, or a hand-made one
    try:
        return all(process_running(int(s["pid"]), s.get("started")) for s in servers)
    except (TypeError, KeyError, ValueError):
        return False


LIVENESS_CHECK_S = 1.0


@dataclass(frozen=True)
class Upstream:
    """Where to send a message now and the token those servers accept."""

    urls: list[str]
    token: str | None = field(default=None, repr=False)


class UpstreamFollower:
    """The current upstream, re-read only when the file changed, trusted only while its servers run."""

    def __init__(self, path: Path, fallback: list[str], fallback_token: str | None = None) -> None:
        self.path = path
        self.fallback = Upstream(list(fallback), fallback_token)
        self._seen: tuple[int, int, int] | None = None
        self._current: Upstream | None = None
        self._servers: dict[str, Any] = {}
        self._running = False
        self._checked_at = float("-inf")

    def current(self) -> Upstream:
        try:
            st = os.stat(self.path)
        except OSError:
            return self.fallback  # no file: nobody switched; the configured servers
        # A rename gives a new inode: caught even within one mtime tick.
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp != self._seen:
            data = read_upstream(self.path)
            if data is not None:  # a broken file keeps the last good list
                urls = [str(u).rstrip("/") for u in data["urls"]]
                self._current = Upstream(urls, data.get("token") or self.fallback.token)
                self._servers = data
                self._seen = stamp
                self._checked_at = float("-inf")
        # The stack may die while the file stays: its servers are looked at again at least every
        # LIVENESS_CHECK_S (reading /proc costs ~0.1 ms on a busy machine: not on every message).
        now = time.monotonic()
        if now - self._checked_at >= LIVENESS_CHECK_S:
            self._running = servers_running(self._servers)
            self._checked_at = now
        if self._current is None or not self._running:
            return self.fallback
        return self._current

    def urls(self) -> list[str]:
        return self.current().urls
