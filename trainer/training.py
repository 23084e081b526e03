"""`trainer train`: retrain through scripts/train.py, showing progress.

scripts/train.py names the model after a hash of every training input (data,
config, domain, nlu/ code, data/lexicon), so unchanged inputs reuse the model
and a changed dictionary or pattern file always gives a new one; Rasa's graph
cache (.rasa/cache) then retrains only the components whose inputs changed.
It trains in the project's training worker (nlu/training/worker.py, `--worker`),
which stays for 30 idle minutes, so retraining after a few new phrasings takes
about 7-8 s instead of 15-20 s from scratch (docs/benchmarks.md).
Rasa's output goes to var/trainer/train.log; the screen gets one progress line.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from trainer import state as st
from trainer.settings import Project

_EPOCHS = re.compile(r"Epochs:\s+(\d+)%")
_STARTED = re.compile(r"Starting to train component '([^']+)'")
_FINISHED = re.compile(r"Finished training component '([^']+)'")
_RESTORED = re.compile(r"Restored component '([^']+)' from cache")
_SPIN = "|/-\\"


@dataclass
class Progress:
    """What Rasa reported so far."""

    stage: str = "starting Rasa / 启动中"
    percent: int | None = None  # epochs of the component in training, when it reports them
    restored: int = 0
    trained: int = 0
    ticks: int = 0

    def feed(self, chunk: str) -> bool:
        """Updates from one output fragment; True when something changed."""
        before = (self.stage, self.percent, self.restored, self.trained)
        if m := _STARTED.search(chunk):
            self.stage, self.percent = f"training {m.group(1)}", None
        if _FINISHED.search(chunk):
            self.trained += 1
        if _RESTORED.search(chunk):
            self.restored += 1
        for m in _EPOCHS.finditer(chunk):
            self.percent = int(m.group(1))
        return (self.stage, self.percent, self.restored, self.trained) != before

    def line(self, elapsed: float) -> str:
        self.ticks += 1
        if self.percent is None:
            head = f"{_SPIN[self.ticks % 4]} "
        else:
            head = "█" * (self.percent // 5) + "░" * (20 - self.percent // 5) + f" {self.percent:3d}% "
        done = f", {self.trained} trained, {self.restored} reused from cache"
        return f"\r{head} {self.stage}{done}  [{elapsed:4.0f} s]\033[K"


def relative(project: Project, path: Path) -> str:
    """Paths under the project are recorded relative to it (the folder can move)."""
    try:
        return str(path.resolve().relative_to(project.root))
    except ValueError:
        return str(path)


def train(
    project: Project, *, out: TextIO = sys.stderr, on_line: Callable[[str], None] | None = None
) -> Path:
    """Trains if needed; records and returns the candidate model."""
    project.trainer_dir.mkdir(parents=True, exist_ok=True)
    log_path = project.trainer_dir / "train.log"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("VIRTUAL_ENV", None)
    # The warm training process: a retrain skips importing Rasa and re-reading unchanged data.
    cmd = [str(project.rasa_python), "scripts/train.py", "--worker"]
    started = time.monotonic()
    progress = Progress()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        lines: list[str] = []
        # Read characters, not lines: tqdm redraws the epoch bar with "\r" only.
        buffer = ""
        while chunk := proc.stdout.read(256):
            log.write(chunk)
            buffer += chunk
            parts = re.split(r"[\r\n]", buffer)
            buffer = parts.pop()
            for part in parts:
                if part.strip():
                    lines.append(part)
                    if on_line:
                        on_line(part)
                if progress.feed(part):
                    out.write(progress.line(time.monotonic() - started))
                    out.flush()
        lines.append(buffer)
        code = proc.wait()
    out.write("\n")
    model_line = next((x.strip() for x in reversed(lines) if x.strip().endswith(".tar.gz")), "")
    if code != 0 or not model_line or not Path(model_line).exists():
        raise RuntimeError(f"training failed (exit {code}); see {log_path}")
    model = Path(model_line)
    state = st.load(project.trainer_dir)
    state.candidate = relative(project, model)
    st.save(project.trainer_dir, state)
    return model
