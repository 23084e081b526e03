"""One buyer message in, one routed draft out: the path every channel shares.

Rasa classifies the message and runs the action; this turns its answer into a
`RoutedDraft`: the reply texts, the action's metadata, the policy verdict on every
text, and the routing decision. The Telegram gateway, the simulator and the
benchmarks all go through `draft_reply`, so they see the same behaviour.

A message of several questions (free shipping? and an invoice?) is answered part by part
(desk/parts.py): each part is its own Rasa turn with its own action, the answers are
joined into one reply in the buyer's order, and the reply is auto-sent only when every
part would be (the strictest part routes it). The draft stays one draft of the buyer's
one message: the card, the records and the trainer inbox show that message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from desk import parts as multipart
from desk.message_text import for_model, is_blank
from desk.rasa_client import RasaClient, RasaTurn
from desk.routing import RouteDecision, RoutingConfig, complaint_tone, decide, grievance_share
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
    # A message of several questions: each part's own draft, in the buyer's order.
    parts: list[RoutedDraft] = field(default_factory=list)

    @property
    def handoff(self) -> bool:
        return bool(self.meta.get("handoff"))

    @property
    def auto_send(self) -> bool:
        return self.decision.auto_send

    def as_json(self) -> dict[str, Any]:
        """The simulator's stable `--json` record (other tools rely on these keys).

        A message answered in several parts also has `parts`: one record each
        (text, intent, confidence, replies, auto_send, handoff, policy_violations).
        """
        record = {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "replies": self.replies,
            "auto_send": self.auto_send,
            "handoff": self.handoff,
            "policy_violations": [v.reason for v in self.violations],
        }
        if self.parts:
            record["parts"] = [part.as_json() for part in self.parts]
        return record

    def part_record(self) -> dict[str, Any]:
        """What the draft row keeps of one part (`meta.parts`), for the desk and trainers."""
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "action": self.meta.get("action"),
            "rule": self.meta.get("rule"),
            "auto_send": self.auto_send,
            "route": self.decision.code,
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
        text=turn.text,
        grievance=grievance_share(turn.intent_ranking, turn.grievance),
        tone=complaint_tone(turn.tone),
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


def combine_drafts(
    drafts: list[RoutedDraft], *, text: str, check_context: CheckContext | None
) -> RoutedDraft:
    """One routed draft for a message answered in parts.

    Auto-sent only when every part would be and the joined reply passes the
    policy check; otherwise the first part held for an agent is the primary one:
    its intent, confidence and reason are the draft's (the card shows why).
    """
    replies = multipart.join_replies([d.replies for d in drafts])
    violations = [v for reply in replies for v in check_text(reply, context=check_context)]
    held = [i for i, d in enumerate(drafts) if not d.auto_send]
    primary = held[0] if held else 0
    decision = drafts[primary].decision
    if not replies:
        decision = RouteDecision(False, "no_draft")
    elif violations and decision.auto_send:
        decision = RouteDecision(False, "policy_failed")
    meta = multipart.merged_meta([d.meta for d in drafts], primary=primary)
    meta["parts"] = [d.part_record() for d in drafts]
    return RoutedDraft(
        text=text,
        intent=drafts[primary].intent,
        confidence=drafts[primary].confidence,
        replies=replies,
        meta=meta,
        violations=violations,
        decision=decision,
        intent_ranking=drafts[primary].intent_ranking,
        entities=[e for d in drafts for e in d.entities],  # offsets within each part's text
        parts=drafts,
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
    metadata = {"channel": channel, "user_id": user_id}
    routed = {
        "routing": routing,
        "check_context": check_context,
        "human_mode": human_mode,
        "agents_on_duty": agents_on_duty,
        "now": now,
    }
    model_text = for_model(text, max_chars=max_chars)
    pieces = await multipart.plan_parts(client, conversation_id, model_text)
    if len(pieces) < 2:
        turn = await client.send(conversation_id, model_text, metadata, message_id=message_id)
        turn.text = text
        return build_draft(turn, **routed)
    drafts = []
    for index, piece in enumerate(pieces):
        # In the buyer's order, one turn each: a slot set by a part (the product) is there for the next.
        turn = await client.send(
            conversation_id,
            multipart.model_text(piece),
            metadata,
            message_id=multipart.part_message_id(message_id, index),
        )
        drafts.append(build_draft(turn, **routed))
    return combine_drafts(drafts, text=text, check_context=check_context)
