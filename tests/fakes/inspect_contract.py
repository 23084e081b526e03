"""The inspect channel's answer shape, read from inspect_channel.json (shared by both envs' tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONTRACT: dict[str, Any] = json.loads(
    Path(__file__).with_name("inspect_channel.json").read_text(encoding="utf-8")
)
_TYPES: dict[str, tuple[type, ...]] = {
    "list": (list,),
    "dict": (dict,),
    "str": (str,),
    "float": (float, int),
    "int": (int,),
    "any": (object,),
}


def mismatches(value: dict[str, Any], part: str) -> list[str]:
    """How `value` differs from the contract's `part`: missing, extra or mistyped keys."""
    shape: dict[str, str] = CONTRACT[part]
    found = [f"{part}: missing {key}" for key in shape if key not in value]
    found += [f"{part}: extra {key}" for key in value if key not in shape]
    found += [
        f"{part}: {key} is {type(value[key]).__name__}, not {kind}"
        for key, kind in shape.items()
        if key in value and value[key] is not None and not isinstance(value[key], _TYPES[kind])
    ]
    return found


def answer_mismatches(answer: dict[str, Any]) -> list[str]:
    """Every way one 200 answer differs from the contract (nested parts included)."""
    found = mismatches(answer, "answer")
    found += mismatches(answer.get("intent") or {}, "intent")
    for entry in answer.get("intent_ranking") or []:
        found += mismatches(entry, "intent_ranking_entry")
    for entity in answer.get("entities") or []:
        found += mismatches(entity, "entity")
    return found
