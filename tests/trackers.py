"""Builds rasa-sdk trackers and runs actions the way the action server does, for tests."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from paths import PROJECT_ROOT
from tests.render import render, render_messages


@lru_cache(maxsize=1)
def entity_slots() -> dict[str, str]:
    """Entity -> the slot Rasa fills from it before an action runs (domain.yml's from_entity mappings)."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {
        mapping["entity"]: name
        for name, slot in (domain.get("slots") or {}).items()
        for mapping in slot.get("mappings") or []
        if mapping.get("type") == "from_entity"
    }


def make_tracker(
    intent: str,
    *,
    text: str = "",
    entities: dict[str, Any] | None = None,
    slots: dict[str, Any] | None = None,
    channel: str = "simulator",
    user_id: str = "guest-1",
    confidence: float = 0.95,
    earlier: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose latest message has `intent`, `entities` (name -> value) and metadata.

    `slots` are the values remembered from earlier turns; this message's entities
    overwrite the slots they fill, as Rasa does before it calls the action.
    `earlier` are the conversation's events before this message (see `user_event`);
    when given, the message itself is appended as the last user event.
    """
    entities = entities or {}
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [{"entity": name, "value": value} for name, value in entities.items()],
        "metadata": {"channel": channel, "user_id": user_id},
    }
    filled = {entity_slots()[name]: value for name, value in entities.items() if name in entity_slots()}
    return Tracker(
        sender_id=f"{channel}:{user_id}",
        slots=dict(slots or {}) | filled,
        latest_message=latest,
        events=[*earlier, user_event(intent, text, confidence)] if earlier is not None else [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def user_event(intent: str, text: str = "", confidence: float = 0.95) -> dict[str, Any]:
    """A user event as Rasa sends it to the action server."""
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": []},
    }


class Run:
    """The outcome of one action run: replies (template + facts), the draft meta, events."""

    def __init__(self, messages: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
        self.replies = [m for m in messages if m.get("response")]
        drafts = [m["custom"]["draft"] for m in messages if (m.get("custom") or {}).get("draft")]
        assert len(drafts) == 1, f"expected one draft message, got {messages}"
        self.draft = drafts[0]
        self.events = list(events)
        # Every reply's variants, rendered: a fact must be in every variant a buyer may get.
        self.rendered = render_messages(messages)

    @property
    def responses(self) -> list[str]:
        return [m["response"] for m in self.replies]

    @property
    def rule(self) -> str | None:
        return self.draft["rule"]

    @property
    def facts(self) -> dict[str, Any]:
        return self.draft["facts"]

    def texts(self, n: int = 0) -> list[str]:
        """Every variant of reply `n`, rendered with the facts the action passed."""
        message = self.replies[n]
        return render(message["response"], message)

    @property
    def text(self) -> str:
        """Every variant of every reply, joined (for what no variant may say)."""
        return "\n".join(variant for variants in self.rendered for variant in variants)

    def every_variant_has(self, *needles: str) -> bool:
        return all(all(n in t for n in needles) for variants in self.rendered for t in variants)

    def slot(self, name: str) -> Any:
        """The value the run's last SlotSet gives `name`."""
        found = [e for e in self.events if e.get("event") == "slot" and e.get("name") == name]
        assert found, f"no SlotSet for {name} in {self.events}"
        return found[-1]["value"]


async def run_action(action: Any, tracker: Tracker) -> Run:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    run = Run(dispatcher.messages, events)
    # The draft (with its facts) and the slot values travel as JSON to Rasa and the gateway.
    json.dumps(run.draft)
    json.dumps(run.events)
    return run
