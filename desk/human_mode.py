"""Human mode: the buyer asked for a person, or an agent took the chat over.

In human mode the bot sends nothing on its own: it still drafts every message
(through Rasa) for the agents' cards, and an agent's Send on such a draft keeps
the chat in human mode. It ends when an agent releases the chat, or once no
agent acted in it for `human_mode.quiet_minutes` (responses/routing.yml), so a
chat nobody answers does not stay without replies. A buyer asking for a person
is told, instead of the model's reply, who will answer and roughly when: within
N minutes in business hours, otherwise when the shop opens next.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from desk import queries, store, texts
from desk.pipeline import RoutedDraft
from desk.routing import RouteDecision, RoutingConfig
from shop.models import Conversation
from shop.policy import CheckContext, check_text

# The action's handoff reason when the buyer asked for a person (actions/handoff.py).
REQUEST_HUMAN = "request_human"


# What `announce` records in a draft's metadata when the buyer asked for a person in
# words (routing.yml `agent_words`) while the model read another intent.
AGENT_WORD = "agent_word"


def asked_for_human(meta: dict | None) -> bool:
    """Does this draft metadata say the buyer asked for a person (the request_human
    action's handoff, or an agent word `announce` recorded)?"""
    meta = meta or {}
    return meta.get("handoff_reason") == REQUEST_HUMAN or bool(meta.get(AGENT_WORD))


def _agent_word(draft: RoutedDraft) -> str | None:
    """The agent word that held the draft or one of its parts, if any."""
    held = [d.decision for d in (draft, *draft.parts) if d.decision.code == AGENT_WORD]
    return held[0].params.get("word") if held else None


def asks_for_human(draft: RoutedDraft) -> bool:
    """Did the buyer ask for a person: the model read request_human, or the message has
    one of the routing file's agent words (a person asked for beside a question, read as the question)?"""
    return asked_for_human(draft.meta) or _agent_word(draft) is not None


def _opens(opens: datetime, now: datetime, timezone: str) -> str:
    today = now.astimezone(ZoneInfo(timezone)).date()
    at = opens.strftime("%H:%M")
    days = (opens.date() - today).days
    if days == 0:
        return texts.text("buyer.opens.today", time=at)
    if days == 1:
        return texts.text("buyer.opens.tomorrow", time=at)
    return texts.text("buyer.opens.date", month=opens.month, day=opens.day, time=at)


def notice(routing: RoutingConfig, now: datetime) -> str:
    """Who will answer and roughly when, for a buyer who asked for a person."""
    opens = None if routing.in_business_hours(now) else routing.next_opening(now)
    if opens is None:  # open now (or the shop keeps no hours): the reply-time promise
        return texts.buyer("human_soon", minutes=routing.human_mode.reply_within_minutes)
    return texts.buyer("human_later", opens=_opens(opens, now, routing.timezone))


def announce(
    draft: RoutedDraft, *, routing: RoutingConfig, check_context: CheckContext | None, now: datetime
) -> RoutedDraft:
    """The draft for a request for a person: the notice, sent on its own (it promises nothing
    the policy forbids); the agents still get the card."""
    text = notice(routing, now)
    violations = check_text(text, context=check_context)
    decision = RouteDecision(False, "policy_failed") if violations else RouteDecision(True, "human_requested")
    word = _agent_word(draft)
    meta = draft.meta if word is None else {**draft.meta, AGENT_WORD: word}
    return replace(draft, replies=[text], violations=violations, decision=decision, meta=meta)


def quiet_over(routing: RoutingConfig, last_activity: datetime | None, now: datetime) -> bool:
    """Has no agent acted for the quiet time? (Never, without any record of activity.)"""
    quiet = timedelta(minutes=routing.human_mode.quiet_minutes)
    return last_activity is not None and now - last_activity >= quiet


def last_activity(conversation: Conversation, *, session: Session) -> datetime | None:
    """When the chat entered human mode or an agent last acted in it, whichever is later."""
    moments = [conversation.mode_since, queries.last_decision_at(conversation.id, session=session)]
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def in_human_mode(
    conversation: Conversation, routing: RoutingConfig, *, session: Session, now: datetime
) -> bool:
    """Is the chat in human mode now? A human mode that went quiet is ended here (back to the bot)."""
    if conversation.mode != "human":
        return False
    if not quiet_over(routing, last_activity(conversation, session=session), now):
        return True
    store.set_mode(conversation.id, "bot", expected_mode="human", session=session, now=now)
    return False


def enter(conversation_id: int, *, session: Session, now: datetime) -> bool:
    """The buyer asked for a person: the chat goes to human mode (False: it already was)."""
    return store.set_mode(conversation_id, "human", expected_mode="bot", session=session, now=now)
