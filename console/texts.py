"""What the console tells people outside its templates, read from responses/console.yml."""

from __future__ import annotations

from typing import Any

from desk.texts import text_in
from paths import RESPONSES_DIR

CONSOLE_FILE = RESPONSES_DIR / "console.yml"


def text(key: str, /, **fields: Any) -> str:
    """The text at dotted `key` (e.g. "signin.failed"), with `fields` filled in."""
    return text_in(CONSOLE_FILE, key, **fields)
