"""The trainer's journal: `var/trainer/labels.jsonl`, one line per example written.

It remembers which intent a trainer gave an inbox item (the inbox table keeps
only its status), so `trainer evaluate` can check whether the candidate now
classifies those messages as labelled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trainer.state import now_iso


def journal_file(trainer_dir: Path) -> Path:
    return trainer_dir / "labels.jsonl"


def record(trainer_dir: Path, **entry: Any) -> None:
    trainer_dir.mkdir(parents=True, exist_ok=True)
    with open(journal_file(trainer_dir), "a", encoding="utf-8") as f:
        f.write(json.dumps({"at": now_iso(), **entry}, ensure_ascii=False) + "\n")


def entries(trainer_dir: Path) -> list[dict[str, Any]]:
    path = journal_file(trainer_dir)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
