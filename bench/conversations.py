"""The benchmark's buyer conversations (bench/conversations.yml): loading and checking."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

CONVERSATIONS_FILE = Path(__file__).with_name("conversations.yml")
DEMO_BUYERS = frozenset({"tb_linlin", "tb_ahua", "tb_newbie"})


class ConversationError(ValueError):
    """The conversation file is malformed; the message says where."""


@dataclass(frozen=True)
class Turn:
    intent: str  # what the message is meant as (reported, never asserted)
    text: str


@dataclass(frozen=True)
class Conversation:
    name: str
    buyer: str  # a demo shop account
    turns: tuple[Turn, ...]


def load_conversations(
    path: Path = CONVERSATIONS_FILE, *, intents: frozenset[str] | None = None
) -> list[Conversation]:
    """The conversations in `path`; with `intents`, every turn's intent must be one of them."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raw = data.get("conversations")
    if not isinstance(raw, list) or not raw:
        raise ConversationError(f"{path}: no 'conversations:' list")
    out: list[Conversation] = []
    names: set[str] = set()
    for i, item in enumerate(raw):
        where = f"{path}: conversation {i + 1}"
        name, buyer, turns = item.get("name"), item.get("buyer"), item.get("turns")
        if not name or name in names:
            raise ConversationError(f"{where}: missing or duplicate name")
        if buyer not in DEMO_BUYERS:
            raise ConversationError(f"{where} ({name}): buyer must be one of {sorted(DEMO_BUYERS)}")
        if not isinstance(turns, list) or not turns:
            raise ConversationError(f"{where} ({name}): no turns")
        parsed = []
        for j, turn in enumerate(turns):
            if not (
                isinstance(turn, list) and len(turn) == 2 and all(isinstance(x, str) and x for x in turn)
            ):
                raise ConversationError(f"{where} ({name}) turn {j + 1}: expected [intent, text]")
            if intents is not None and turn[0] not in intents:
                raise ConversationError(f"{where} ({name}) turn {j + 1}: unknown intent {turn[0]!r}")
            parsed.append(Turn(intent=turn[0], text=turn[1]))
        names.add(name)
        out.append(Conversation(name=name, buyer=buyer, turns=tuple(parsed)))
    return out


def domain_intents(domain: Path) -> frozenset[str]:
    """The intents listed in domain.yml."""
    data = yaml.safe_load(domain.read_text(encoding="utf-8")) or {}
    return frozenset(i if isinstance(i, str) else next(iter(i)) for i in data.get("intents", []))
