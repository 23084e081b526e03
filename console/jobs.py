"""The trainers' long jobs (train, evaluate) in a background thread, one at a time, with progress.

They run trainer/ functions unchanged (`trainer.training.train`,
`trainer.evaluation.evaluate`): the same warm training worker, the same files
under var/trainer/ as `./trainer.sh train` / `evaluate`. The page polls the
job's state; a job still running when the console stops is abandoned (the
training worker keeps what it finished).
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Job:
    kind: str  # "train" | "evaluate"
    by: str
    started: datetime
    progress: str = ""
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=12))
    done: bool = False
    error: str | None = None
    result: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "by": self.by,
            "started": self.started.isoformat(),
            "progress": self.progress,
            "lines": list(self.lines),
            "done": self.done,
            "error": self.error,
            "result": self.result,
        }


class _ProgressWriter:
    """What trainer.training writes to its terminal (a redrawn progress line), kept as text."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def write(self, text: str) -> int:
        line = _ANSI.sub("", text).replace("\r", "").strip()
        if line:
            self.job.progress = line
        return len(text)

    def flush(self) -> None:
        return None


class Jobs:
    """At most one job at a time (training and evaluation both load the machine)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: Job | None = None

    def start(self, kind: str, by: str, work: Callable[[Job, _ProgressWriter], str]) -> bool:
        """Start `work` in a thread; False when a job is still running."""
        with self._lock:
            if self.current is not None and not self.current.done:
                return False
            job = Job(kind, by, datetime.now(timezone.utc))
            self.current = job

        def run() -> None:
            try:
                job.result = work(job, _ProgressWriter(job))
            except Exception as exc:  # shown to the trainer; the log file has the rest
                job.error = str(exc) or exc.__class__.__name__
            finally:
                job.done = True

        threading.Thread(target=run, name=f"console-{kind}", daemon=True).start()
        return True
