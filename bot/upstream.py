"""Which Rasa server(s) the gateway talks to right now: `var/run/upstream.json`.

A promotion (trainer/promote.py) starts a Rasa server with the new model and
then rewrites this file with an atomic rename; every RasaClient that follows
the file sees the switch on its next request. Following costs one `stat` per
request: the file is re-read only when its inode, mtime or size changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_upstream(path: Path, urls: list[str], **extra: Any) -> None:
    """Atomically replace the upstream file (readers see the old or the new list)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"urls": urls, **extra}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_upstream(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("urls") else None


class UpstreamFollower:
    """The current upstream URLs, re-read only when the file changed."""

    def __init__(self, path: Path, fallback: list[str]) -> None:
        self.path = path
        self.fallback = list(fallback)
        self._seen: tuple[int, int, int] | None = None
        self._urls = list(fallback)

    def urls(self) -> list[str]:
        try:
            st = os.stat(self.path)
        except OSError:
            return self.fallback  # no file: nobody switched; the configured servers
        # A rename gives a new inode: caught even within one mtime tick.
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp != self._seen:
            data = read_upstream(self.path)
            if data is not None:  # a broken file keeps the last good list
                self._urls = [str(u).rstrip("/") for u in data["urls"]]
                self._seen = stamp
        return self._urls
