"""A tracker factory and a runner for the post-sale action tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.render import render_messages

# Slots Rasa fills from this message's entities before the action runs.
_ENTITY_SLOTS = ("order_id", "product_code", "color")


def make_tracker(
    text: str,
    *,
    intent: str,
    entities: dict[str, Any] | None = None,
    slots: dict[str, Any] | None = None,
    channel: str = "test",
    user_id: str | None = "linlin",
    confidence: float = 0.97,
) -> Tracker:
    """A tracker whose latest message is ``text`` with the given intent and entities."""
    entities = entities or {}
    metadata = {"channel": channel, "user_id": user_id} if user_id else {}
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [{"entity": k, "value": v} for k, v in entities.items()],
        "metadata": metadata,
    }
    values = {"pending_return": None, "order_id": None, "product_code": None, "color": None}
    values |= slots or {}
    values |= {k: v for k, v in entities.items() if k in _ENTITY_SLOTS}
    return Tracker(
        sender_id=f"{channel}-{user_id}",
        slots=values,
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


@dataclass
class Outcome:
    """What one action run produced."""

    replies: list[list[str]]  # every variant of every templated reply, rendered
    responses: list[str]  # the templates used
    draft: dict[str, Any]  # the draft metadata message
    events: list[dict[str, Any]]

    @property
    def text(self) -> str:
        """All variants joined: facts must be in every variant, so check each."""
        return "\n".join(t for variants in self.replies for t in variants)

    def every_variant_has(self, *needles: str) -> bool:
        return all(all(n in t for n in needles) for variants in self.replies for t in variants)

    def slot(self, name: str) -> Any:
        found = [e for e in self.events if e.get("event") == "slot" and e.get("name") == name]
        assert found, f"no SlotSet for {name} in {self.events}"
        return found[-1]["value"]


async def run(action: Any, tracker: Tracker) -> Outcome:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    drafts = [m["custom"]["draft"] for m in dispatcher.messages if m.get("custom", {}).get("draft")]
    assert len(drafts) == 1, dispatcher.messages
    # Facts and slot values travel as JSON to Rasa and the gateway.
    json.dumps(drafts[0])
    json.dumps(events)
    return Outcome(
        replies=render_messages(dispatcher.messages),
        responses=[m["response"] for m in dispatcher.messages if m.get("response")],
        draft=drafts[0],
        events=list(events),
    )
