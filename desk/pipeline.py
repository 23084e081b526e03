"""One buyer message in, one routed draft out: the path every channel shares.

Rasa classifies the message and runs the action; this turns its answer into a
`RoutedDraft`: the reply texts, the action's metadata, the policy verdict on every
text, and the routing decision. The Telegram gateway, the simulator and the
benchmarks all go through `draft_reply`, so they see the same behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from desk.message_text import for_model, is_blank
from desk.rasa_client import RasaClient, RasaTurn
from desk.routing import RouteDecision, RoutingConfig, decide
from shop.policy import CheckContext, Violation, check_text
from stack.settings import MODEL_MAX_CHARS


@dataclass
class RoutedDraft:
    """A reply proposed for one buyer message, with everything needed to route it."""

    text: str
    intent: str
    confidence: float
    replies: list[str]
    meta: dict[str, Any]
    violations: list[Violation]
    decision: RouteDecision
    intent_ranking: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def handoff(self) -> bool:
        return bool(self.meta.get("handoff"))

    @property
    def auto_send(self) -> bool:
        return self.decision.auto_send

    def as_json(self) -> dict[str, Any]:
        """The simulator's stable `--json` record (other tools rely on these keys)."""
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "replies": self.replies,
            "auto_send": self.auto_send,
            "handoff": self.handoff,
            "policy_violations": [v.reason for v in self.violations],
        }


def split_messages(messages: list[dict[str, Any]]) -> tuple[list[str], dict[str, Any]]:
    """Reply texts, and the action's draft metadata (the last one wins)."""
    texts: list[str] = []
    meta: dict[str, Any] = {}
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("draft"), dict):
            meta = custom["draft"]
        elif message.get("text"):
            texts.append(message["text"])
    return texts, meta


def build_draft(
    turn: RasaTurn,
    *,
    routing: RoutingConfig,
    check_context: CheckContext | None,
    human_mode: bool = False,
    agents_on_duty: bool = True,
    now: datetime | None = None,
) -> RoutedDraft:
    texts, meta = split_messages(turn.messages)
    if not texts:
        # Rasa answered without a reply (e.g. the action server failed): an agent must.
        meta = {**meta, "handoff": True, "handoff_reason": meta.get("handoff_reason") or "no_reply"}
    violations = [v for text in texts for v in check_text(text, context=check_context)]
    decision = decide(
        routing,
        intent=turn.intent,
        confidence=turn.confidence,
        has_reply=bool(texts),
        policy_ok=not violations,
        handoff=bool(meta.get("handoff")),
        human_mode=human_mode,
        agents_on_duty=agents_on_duty,
        now=now or datetime.now(timezone.utc),
    )
    return RoutedDraft(
        text=turn.text,
        intent=turn.intent,
        confidence=turn.confidence,
        replies=texts,
        meta=meta,
        violations=violations,
        decision=decision,
        intent_ranking=turn.intent_ranking,
        entities=turn.entities,
    )


async def draft_reply(
    client: RasaClient,
    conversation_id: str,
    text: str,
    *,
    channel: str,
    user_id: str,
    routing: RoutingConfig,
    check_context: CheckContext | None,
    human_mode: bool = False,
    agents_on_duty: bool = True,
    now: datetime | None = None,
    message_id: str | None = None,
    max_chars: int = MODEL_MAX_CHARS,
) -> RoutedDraft:
    """Sends the buyer's message to Rasa and returns the routed draft.

    Only `desk.message_text.for_model(text)` reaches Rasa; the draft keeps the
    whole `text`. Raises `RasaUnavailable` when Rasa cannot answer now (the
    caller keeps the message and retries; nothing is lost), `RasaMessageFailed`
    when Rasa failed on this message, `ValueError` for a text with nothing to
    classify (`is_blank`: callers answer those themselves).
    """
    if is_blank(text):
        raise ValueError("a text with nothing to classify never goes to Rasa")
    turn = await client.send(
        conversation_id,
        for_model(text, max_chars=max_chars),
        {"channel": channel, "user_id": user_id},
        message_id=message_id,
    )
    turn.text = text
    return build_draft(
        turn,
        routing=routing,
        check_context=check_context,
        human_mode=human_mode,
        agents_on_duty=agents_on_duty,
        now=now,
    )
