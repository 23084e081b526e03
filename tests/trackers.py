"""Builds rasa-sdk trackers and runs actions the way the action server does, for tests."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.render import render


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

    `earlier` are the conversation's events before this message (see `user_event`);
    when given, the message itself is appended as the last user event.
    """
    ents = [{"entity": name, "value": value} for name, value in (entities or {}).items()]
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": ents,
        "metadata": {"channel": channel, "user_id": user_id},
    }
    return Tracker(
        sender_id=f"{channel}:{user_id}",
        slots=dict(slots or {}),
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
        self.events = events

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


async def run_action(action: Any, tracker: Tracker) -> Run:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return Run(dispatcher.messages, events)
