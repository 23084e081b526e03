"""The trainer's record of models: `var/trainer/state.json`.

`live` is what the assistant serves (stack/servers.find_model reads it),
`candidate` the last trained model, `history` the earlier live models (for
rollback, newest last), `promotions` who put which model live, when, why and
whether the evaluation gate was forced. Written atomically (rename), so a
reader never sees half a file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


@dataclass
class State:
    live: str | None = None
    candidate: str | None = None
    history: list[str] = field(default_factory=list)
    promotions: list[dict[str, Any]] = field(default_factory=list)


def state_file(trainer_dir: Path) -> Path:
    return trainer_dir / "state.json"


def load(trainer_dir: Path) -> State:
    path = state_file(trainer_dir)
    if not path.exists():
        return State()
    data = json.loads(path.read_text(encoding="utf-8"))
    return State(**{k: data[k] for k in ("live", "candidate", "history", "promotions") if k in data})


def write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def save(trainer_dir: Path, state: State) -> None:
    write_json_atomic(state_file(trainer_dir), asdict(state))


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
