"""The thin adapter between rasa-sdk and the pure drafting code.

A capability subclasses `ShopAction` and implements `draft(ctx, session=...)`,
which returns an `ActionDraft`: which template(s) to send with which facts, the rule
that was applied and whether an agent must take over. This base runs the draft
in a worker thread (a slow query must not stall other buyers on the action
server's event loop), with one database session per run, and sends the reply
followed by the metadata message the gateway reads (docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# What Rasa gives a message it did not understand; such a message says nothing
# about what the conversation is about, so `previous_intent` looks past it.
FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
# Events after which earlier messages belong to another conversation.
_CONVERSATION_START = frozenset({"session_started", "restart"})


@dataclass(frozen=True)
class Reply:
    """One message: a template name and the facts that fill it."""

    response: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class ActionDraft:
    """What an action proposes to say, and what the gateway needs to route it."""

    replies: list[Reply]
    rule: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    handoff: bool = False
    handoff_reason: str | None = None
    follow_up: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    # Agent tasks the desk creates when it stores this draft: [{"order_id", "reason"}].
    # Actions never write the desk's tables themselves.
    follow_ups: list[dict[str, str]] = field(default_factory=list)

    def meta(self, action: str) -> dict[str, Any]:
        return {
            "action": action,
            "facts": self.facts,
            "rule": self.rule,
            "handoff": self.handoff,
            "handoff_reason": self.handoff_reason,
            "follow_up": self.follow_up,
            "follow_ups": self.follow_ups,
        }


@dataclass(frozen=True)
class Context:
    """What an action knows about the current message and conversation."""

    text: str
    intent: str
    confidence: float
    channel: str | None
    user_id: str | None
    buyer: str | None  # the verified shop account, None for a guest
    entities: dict[str, list[Any]]  # values of this message's entities, by type
    slots: dict[str, Any]
    now: datetime
    # The intent of the latest earlier message in this conversation that was
    # understood (not a fallback): what an elliptical "那108呢" continues.
    previous_intent: str | None = None

    def entity(self, name: str) -> Any:
        values = self.entities.get(name) or []
        return values[0] if values else None

    def value(self, name: str) -> Any:
        """This message's entity if present, else the remembered slot."""
        found = self.entity(name)
        return found if found is not None else self.slots.get(name)


def _default_engine() -> Engine:
    from shop.db.engine import make_engine

    return make_engine()


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def previous_intent(events: list[dict[str, Any]]) -> str | None:
    """The intent of the latest understood user message before the current one.

    ``events`` are the tracker's events, oldest first; the last user event is
    the message being answered. Stops at the start of the conversation.
    """
    users_seen = 0
    for event in reversed(events or []):
        kind = event.get("event")
        if kind in _CONVERSATION_START:
            break
        if kind != "user":
            continue
        users_seen += 1
        if users_seen == 1:
            continue  # the current message
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name and name not in FALLBACK_INTENTS:
            return str(name)
    return None


def context_from(tracker: Tracker, *, buyer: str | None, now: datetime) -> Context:
    latest = tracker.latest_message or {}
    metadata = latest.get("metadata") or {}
    entities: dict[str, list[Any]] = {}
    for ent in latest.get("entities") or []:
        entities.setdefault(ent.get("entity"), []).append(ent.get("value"))
    intent = latest.get("intent") or {}
    return Context(
        text=latest.get("text") or "",
        intent=intent.get("name") or "",
        confidence=float(intent.get("confidence") or 0.0),
        channel=metadata.get("channel"),
        user_id=metadata.get("user_id"),
        buyer=buyer,
        entities=entities,
        slots=dict(tracker.current_slot_values()),
        now=now,
        previous_intent=previous_intent(list(tracker.events or [])),
    )


class ShopAction(Action, ABC):
    """Base of every drafting action. Tests override the class-level defaults."""

    engine_factory: Callable[[], Engine] = staticmethod(_default_engine)
    clock: Callable[[], datetime] = staticmethod(_utc_now)
    # Actions that answer anyone (greetings, pre-sale) can skip the buyer lookup.
    needs_buyer: bool = True

    @abstractmethod
    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        """Builds the draft for this message from the shop data."""

    def _run_in_session(self, tracker: Tracker) -> ActionDraft:
        from shop.store.linking import buyer_for_chat

        with Session(self.engine_factory()) as session, session.begin():
            metadata = (tracker.latest_message or {}).get("metadata") or {}
            buyer = None
            if self.needs_buyer and metadata.get("channel") and metadata.get("user_id"):
                found = buyer_for_chat(str(metadata["channel"]), str(metadata["user_id"]), session=session)
                buyer = found.account if found is not None else None
            ctx = context_from(tracker, buyer=buyer, now=self.clock())
            return self.draft(ctx, session=session)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        from shop.db.errors import ShopUnavailable

        try:
            draft = await asyncio.to_thread(self._run_in_session, tracker)
        except ShopUnavailable:
            log.warning("shop database unavailable in %s", self.name(), exc_info=True)
            draft = unavailable_draft("shop_unavailable")
        except Exception:
            # The buyer still gets a polite answer and an agent sees the message.
            log.exception("action %s failed", self.name())
            draft = unavailable_draft("action_error")
        for reply in draft.replies:
            dispatcher.utter_message(response=reply.response, **reply.facts)
        dispatcher.utter_message(json_message={"draft": draft.meta(self.name())})
        return draft.events


def unavailable_draft(reason: str) -> ActionDraft:
    """A holding reply when the shop data cannot be read: an agent follows up."""
    return ActionDraft(
        replies=[Reply("utter_agent_will_follow_up")],
        rule="fault",
        handoff=True,
        handoff_reason=reason,
    )
