"""The trainers' audit log: `var/trainer/audit.jsonl`, who changed the live model, when and why.

One JSON line per promote and rollback (forced or not), only ever appended:
state.json is rewritten on every change, so it cannot be the record. Each line
is written with one O_APPEND write and flushed to disk before the command
reports success. `./trainer.sh history` prints it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from trainer.state import now_iso


def audit_file(trainer_dir: Path) -> Path:
    return trainer_dir / "audit.jsonl"


def record(trainer_dir: Path, **entry: Any) -> dict[str, Any]:
    """Appends one entry (with its time) and returns it."""
    trainer_dir.mkdir(parents=True, exist_ok=True)
    line = {"at": now_iso(), **entry}
    data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(audit_file(trainer_dir), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    return line


def entries(trainer_dir: Path) -> list[dict[str, Any]]:
    """Every entry, oldest first (a torn last line from a crash is skipped)."""
    path = audit_file(trainer_dir)
    if not path.exists():
        return []
    found = []
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(json.loads(text))
        except ValueError:
            continue
    return found


def render_entry(entry: dict[str, Any]) -> str:
    forced = " FORCED" if entry.get("forced") else ""
    why = f' — "{entry["why"]}"' if entry.get("why") else ""
    line = (
        f"{entry.get('at')}  {entry.get('action')}{forced}  {entry.get('model')}  by {entry.get('by')}{why}"
    )
    if entry.get("overridden"):
        line += "\n    overrode / 强制通过: " + "; ".join(entry["overridden"])
    return line


def render(found: list[dict[str, Any]]) -> str:
    if not found:
        return "no model was promoted or rolled back yet / 还没有上线或回退记录"
    return "\n".join(render_entry(e) for e in found)
