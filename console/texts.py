"""What the console tells people outside its templates, read from responses/console.yml."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from paths import RESPONSES_DIR

CONSOLE_FILE = RESPONSES_DIR / "console.yml"


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    with open(CONSOLE_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def text(key: str, /, **fields: Any) -> str:
    """The text at dotted `key` (e.g. "signin.failed"), with `fields` filled in."""
    node: Any = _load()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"{key} is missing from {CONSOLE_FILE.name}")
        node = node[part]
    return node.format(**fields) if fields else node
