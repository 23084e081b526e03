"""The owner's wording, read from responses/owner.yml (no Chinese in Python)."""

from __future__ import annotations

from typing import Any

from desk.texts import all_texts, text_in
from paths import RESPONSES_DIR

OWNER_FILE = RESPONSES_DIR / "owner.yml"


def text(key: str, /, **fields: Any) -> str:
    """The text at dotted ``key`` (e.g. "dashboard.volume"), with ``fields`` filled in."""
    return text_in(OWNER_FILE, key, **fields)


def label(section: str, code: str | None) -> str:
    """A code's name in ``section`` (route_codes, handoff_reasons, charts.legend); the code if unnamed."""
    node: Any = all_texts(OWNER_FILE)
    for part in section.split("."):
        node = node.get(part) or {} if isinstance(node, dict) else {}
    return str(node.get(code, code)) if code else ""
