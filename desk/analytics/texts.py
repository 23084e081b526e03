"""The owner's wording, read from responses/owner.yml (no Chinese in Python)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from paths import RESPONSES_DIR

OWNER_FILE = RESPONSES_DIR / "owner.yml"


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    with open(OWNER_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def text(key: str, /, **fields: Any) -> str:
    """The text at dotted ``key`` (e.g. "dashboard.volume"), with ``fields`` filled in."""
    node: Any = _load()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"{key} is missing from {OWNER_FILE.name}")
        node = node[part]
    if not isinstance(node, str):
        raise KeyError(f"{key} in {OWNER_FILE.name} is not a text")
    return node.format(**fields) if fields else node


def label(section: str, code: str | None) -> str:
    """A code's name in ``section`` (route_codes, handoff_reasons, charts.legend); the code if unnamed."""
    node: Any = _load()
    for part in section.split("."):
        node = node.get(part) or {} if isinstance(node, dict) else {}
    return str(node.get(code, code)) if code else ""
