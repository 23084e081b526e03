"""Read and rewrite the per-intent thresholds of responses/routing.yml.

The gateway (desk/routing.py) reads `intents: {name: {auto_send, threshold}}`
and `default:` for unlisted intents. Rewriting keeps every comment and the
file's alignment: a threshold line of the usual one-line form is edited in
place; anything else (a block-style entry, an intent not yet listed) falls
back to a ruamel.yaml round trip, which also keeps comments.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

NEVER = 1.0  # how the file spells "never": auto_send false, threshold 1.0
_LINE = re.compile(
    r"^(?P<head>\s+(?P<name>[a-z_]+):\s*\{\s*auto_send:\s*)(?P<auto>true|false)(?P<comma>\s*,)(?P<gap>\s*)"
    r"(?P<mid>threshold:\s*)[0-9.]+(?P<tail>\s*\}.*)$"
)


def read_thresholds(text: str, intents: Iterable[str]) -> dict[str, float | None]:
    """Each intent's threshold as the gateway would apply it (None: never auto-sent)."""
    raw = yaml.safe_load(text) or {}
    listed = raw.get("intents") or {}
    default = raw.get("default") or {}
    out: dict[str, float | None] = {}
    for intent in intents:
        route = listed.get(intent) if intent in listed else default
        route = route or {}
        out[intent] = float(route.get("threshold", NEVER)) if route.get("auto_send") else None
    return out


def read_agent_words(text: str) -> list[str]:
    """The routing file's `agent_words`: a message with one always goes to an agent."""
    return [str(w).strip() for w in (yaml.safe_load(text) or {}).get("agent_words") or []]


def _entry(threshold: float | None) -> tuple[str, str]:
    return ("false", f"{NEVER:.1f}") if threshold is None else ("true", f"{threshold:.2f}")


def update_text(text: str, thresholds: Mapping[str, float | None]) -> str:
    """The routing file's text with `thresholds` written in (None: never auto-send)."""
    pending = dict(thresholds)
    lines = text.splitlines(keepends=True)
    in_intents = False
    for i, line in enumerate(lines):
        if re.match(r"^\S", line):
            in_intents = line.startswith("intents:")
            continue
        match = _LINE.match(line.rstrip("\n")) if in_intents else None
        if match and match["name"] in pending:
            auto, value = _entry(pending.pop(match["name"]))
            ending = "\n" if line.endswith("\n") else ""
            # Keep the column the file aligned `threshold:` to ("true,  " / "false, ").
            gap = " " * max(1, len(match["auto"]) + len(match["gap"]) - len(auto))
            lines[i] = (
                f"{match['head']}{auto}{match['comma']}{gap}{match['mid']}{value}{match['tail']}{ending}"
            )
    updated = "".join(lines)
    if pending:
        updated = _round_trip(updated, pending)
    written = read_thresholds(updated, thresholds)
    if written != {k: (None if v is None else round(v, 2)) for k, v in thresholds.items()}:
        raise RuntimeError("the routing file did not take the new thresholds; edit it by hand")
    return updated


def _round_trip(text: str, thresholds: Mapping[str, float | None]) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yml = YAML()
    yml.width = 4096
    data = yml.load(text)
    if data.get("intents") is None:
        data["intents"] = CommentedMap()
    for name, threshold in thresholds.items():
        entry = CommentedMap(
            auto_send=threshold is not None, threshold=NEVER if threshold is None else round(threshold, 2)
        )
        entry.fa.set_flow_style()
        data["intents"][name] = entry
    out = io.StringIO()
    yml.dump(data, out)
    return out.getvalue()


def write_thresholds(path: Path, thresholds: Mapping[str, float | None]) -> tuple[str, str]:
    """Write `thresholds` into the routing file; returns (old text, new text)."""
    old = path.read_text(encoding="utf-8")
    new = update_text(old, thresholds)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return old, new
