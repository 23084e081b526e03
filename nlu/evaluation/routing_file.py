"""Read and rewrite the per-intent auto-send rules of responses/routing.yml.

The gateway (desk/routing.py) reads `intents: {name: {auto_send, threshold[,
max_grievance][, max_tone]}}` and `default:` for unlisted intents. Rewriting keeps every comment and the
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

from nlu.evaluation.autosend import Route, Rule

NEVER = 1.0  # how the file spells "never": auto_send false, threshold 1.0
_LINE = re.compile(
    r"^(?P<head>\s+(?P<name>[a-z_]+):\s*\{\s*auto_send:\s*)(?P<auto>true|false)(?P<comma>\s*,)(?P<gap>\s*)"
    r"(?P<mid>threshold:\s*)[0-9.]+(?P<cap>\s*,\s*max_grievance:\s*[0-9.]+)?(?P<tone>\s*,\s*max_tone:\s*[0-9.]+)?"
    r"(?P<tail>\s*\}.*)$"
)


def read_thresholds(text: str, intents: Iterable[str]) -> dict[str, Rule | None]:
    """Each intent's rule as the gateway would apply it (None: never auto-sent)."""
    raw = yaml.safe_load(text) or {}
    listed = raw.get("intents") or {}
    default = raw.get("default") or {}
    out: dict[str, Rule | None] = {}
    for intent in intents:
        route = listed.get(intent) if intent in listed else default
        route = route or {}
        out[intent] = (
            Rule(
                float(route.get("threshold", NEVER)),
                float(route.get("max_grievance", 1.0)),
                float(route.get("max_tone", 1.0)),
            )
            if route.get("auto_send")
            else None
        )
    return out


def read_agent_words(text: str) -> list[str]:
    """The routing file's `agent_words`: a message with one always goes to an agent."""
    return [str(w).strip() for w in (yaml.safe_load(text) or {}).get("agent_words") or []]


def update_text(text: str, thresholds: Mapping[str, Route]) -> str:
    """The routing file's text with `thresholds` written in (None: never auto-send; a
    Rule: threshold and caps; a bare number: the threshold, keeping the caps)."""
    written = (yaml.safe_load(text) or {}).get("intents") or {}
    rules = {intent: _resolved(route, written.get(intent) or {}) for intent, route in thresholds.items()}
    pending = dict(rules)
    lines = text.splitlines(keepends=True)
    in_intents = False
    for i, line in enumerate(lines):
        if re.match(r"^\S", line):
            in_intents = line.startswith("intents:")
            continue
        match = _LINE.match(line.rstrip("\n")) if in_intents else None
        if match and match["name"] in pending:
            auto, value, cap = _entry(pending.pop(match["name"]))
            ending = "\n" if line.endswith("\n") else ""
            # Keep the column the file aligned `threshold:` to ("true,  " / "false, ").
            gap = " " * max(1, len(match["auto"]) + len(match["gap"]) - len(auto))
            lines[i] = (
                f"{match['head']}{auto}{match['comma']}{gap}{match['mid']}{value}{cap}{match['tail']}{ending}"
            )
    updated = "".join(lines)
    if pending:
        updated = _round_trip(updated, pending)
    if read_thresholds(updated, thresholds) != rules:
        raise RuntimeError("the routing file did not take the new thresholds; edit it by hand")
    return updated


def _resolved(route: Route, entry: Mapping) -> Rule | None:
    """The rule `route` means for an intent whose entry in the file is `entry`, rounded as
    the file keeps it (a bare number keeps the caps written today)."""
    if route is None:
        return None
    rule = (
        route
        if isinstance(route, Rule)
        else Rule(float(route), float(entry.get("max_grievance", 1.0)), float(entry.get("max_tone", 1.0)))
    )
    return Rule(round(rule.threshold, 2), round(rule.max_grievance, 2), round(rule.max_tone, 2))


def _entry(rule: Rule | None) -> tuple[str, str, str]:
    """auto_send, threshold and the `, max_grievance: x, max_tone: y` part of a one-line entry."""
    if rule is None:
        return "false", f"{NEVER:.1f}", ""
    cap = "" if rule.max_grievance >= 1.0 else f", max_grievance: {rule.max_grievance:.2f}"
    if rule.max_tone < 1.0:
        cap += f", max_tone: {rule.max_tone:.2f}"
    return "true", f"{rule.threshold:.2f}", cap


def _round_trip(text: str, rules: Mapping[str, Rule | None]) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yml = YAML()
    yml.width = 4096
    data = yml.load(text)
    if data.get("intents") is None:
        data["intents"] = CommentedMap()
    for name, rule in rules.items():
        entry = CommentedMap(auto_send=rule is not None, threshold=NEVER if rule is None else rule.threshold)
        if rule is not None and rule.max_grievance < 1.0:
            entry["max_grievance"] = rule.max_grievance
        if rule is not None and rule.max_tone < 1.0:
            entry["max_tone"] = rule.max_tone
        entry.fa.set_flow_style()
        data["intents"][name] = entry
    out = io.StringIO()
    yml.dump(data, out)
    return out.getvalue()


def write_thresholds(path: Path, thresholds: Mapping[str, Route]) -> tuple[str, str]:
    """Write `thresholds` into the routing file; returns (old text, new text)."""
    old = path.read_text(encoding="utf-8")
    new = update_text(old, thresholds)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return old, new
