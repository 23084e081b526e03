"""What the terminal simulator shows its user (the agent).

The wording lives in responses/gateway.yml (section `simulator`). Upper-case
names (`agent_texts.SENT_LABEL` → `simulator.sent_label`) are looked up when
first used, not at import, so importing this module reads no file.
"""

from __future__ import annotations

from desk.texts import text


def __getattr__(name: str) -> str:
    if not name.isupper():
        raise AttributeError(name)
    return text(f"simulator.{name.lower()}")


def welcome(buyer: str) -> str:
    return text("simulator.welcome", buyer=buyer)


def draft_header(intent: str, confidence: float) -> str:
    return text("simulator.draft_header", intent=intent, confidence=confidence)


def parts_header(parts: list[dict]) -> str:
    """A message answered in parts (`RoutedDraft.meta["parts"]`): each part's intent and confidence."""
    from desk.parts import summary  # the desk's parts, only when a message had several

    return text("simulator.parts_header", count=len(parts), parts=summary(parts))


def route_line(auto_send: bool, reason: str) -> str:
    return text("simulator.route_auto" if auto_send else "simulator.route_agent", reason=reason)


def text_of(key: str) -> str:
    """A `simulator.*` text by its key (why an agent's choice did not go out)."""
    return text(f"simulator.{key}")


def agent_notice(notice: str) -> str:
    return text("simulator.agent_notice", text=notice)


def intent_choices(intents: tuple[str, ...]) -> str:
    """The intents to pick from after a reject, numbered from 1."""
    return text("simulator.intent_choices", intents=" · ".join(f"{n} {i}" for n, i in enumerate(intents, 1)))


def taught(intent: str) -> str:
    return text("simulator.taught", intent=intent)
