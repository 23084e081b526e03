"""Renders reply templates the way the Rasa server would, for action tests.

``render(response, facts)`` fills every text variant of one ``utter_*`` with
the facts an action passed; a placeholder without a fact fails the test, so
an action that forgets one is caught before a buyer sees "{product}".
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from paths import TEMPLATES_DIR


@lru_cache(maxsize=1)
def templates(folder: Path = TEMPLATES_DIR) -> dict[str, list[str]]:
    """Every ``utter_*`` of every template file: its text variants."""
    found: dict[str, list[str]] = {}
    for path in sorted(Path(folder).glob("*.yml")):
        with open(path, encoding="utf-8") as fh:
            responses = (yaml.safe_load(fh) or {}).get("responses") or {}
        for name, variants in responses.items():
            assert name not in found, f"{name} is defined twice (again in {path.name})"
            found[name] = [v["text"] for v in variants or [] if isinstance(v, dict) and v.get("text")]
    return found


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def render(response: str, facts: dict[str, Any] | None = None) -> list[str]:
    """All variants of ``response`` filled with ``facts``; fails on a missing placeholder."""
    facts = facts or {}
    variants = templates().get(response)
    assert variants, f"no template {response}"
    rendered = []
    for text in variants:
        missing = placeholders(text) - facts.keys()
        assert not missing, f"{response}: no value for {sorted(missing)} in {sorted(facts)}"
        rendered.append(text.format(**facts))
    return rendered


# Keys rasa-sdk's CollectingDispatcher puts into every message beside the facts.
_MESSAGE_KEYS = {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}


def render_messages(messages: list[dict[str, Any]]) -> list[list[str]]:
    """The rendered variants of every templated message a dispatcher collected."""
    out = []
    for message in messages:
        if message.get("response"):
            facts = {k: v for k, v in message.items() if k not in _MESSAGE_KEYS}
            out.append(render(message["response"], facts))
    return out
