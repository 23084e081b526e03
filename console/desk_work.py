"""What a web agent does to a draft: desk.agent_actions in one transaction, plus the outbox and audit.

Sending: the console holds no bot token and imports no Telegram code. A send
claims the draft (desk.agent_actions, the same conditional UPDATE the Telegram
desk uses, so a Telegram agent and a web agent pressing Send at once send once)
and, in the same transaction, queues the replies as `outbound_messages` rows
with status "queued"; the gateway's outbox (bot/outbox.py) delivers them to the
buyer and marks them sent. A claim that fails leaves nothing queued. A reply to a
simulator chat is recorded as sent at once: its buyer is the trainer at the terminal
(bot/simulate.py shows it there), and no outbox delivers that channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from console import audit
from console.accounts import Person
from desk import agent_actions, channels, queries, store
from desk.intents import INTENTS
from shop.models import Conversation
from shop.store.policy_context import ShopWideCache


@dataclass
class Outcome:
    """What happened: ok, or the key of responses/console.yml `desk.*` saying why not."""

    ok: bool
    problem: str | None = None
    reasons: list[str] = field(default_factory=list)  # policy reasons, for a blocked text


def _conversation(draft_id: int, *, session: Session) -> Conversation | None:
    draft = store.get_draft(draft_id, session=session)
    return None if draft is None else queries.conversation_by_id(draft.conversation_id, session=session)


def _queue(conv: Conversation, replies: list[str], draft_id: int, *, session: Session, now: datetime) -> None:
    status = "sent" if conv.channel in channels.SENT_ON_RECORD else "queued"
    for reply in replies:
        store.record_outbound(
            channel=conv.channel,
            chat_id=conv.chat_id,
            text=reply,
            draft_id=draft_id,
            status=status,
            session=session,
            now=now,
        )


def send_as_is(person: Person, draft_id: int, *, session: Session, now: datetime) -> Outcome:
    """Send the draft unchanged. Raises agent_actions.NotFiled (the caller rolls back)."""
    conv = _conversation(draft_id, session=session)
    if conv is None:
        return Outcome(False, "already_handled")
    claimed = agent_actions.claim_for_send(
        draft_id, person.desk_id, channel=conv.channel, session=session, now=now
    )
    if isinstance(claimed, str):
        return Outcome(False, claimed)
    _queue(conv, claimed.replies, draft_id, session=session, now=now)
    audit.record(person.username, "send", f"draft:{draft_id}", session=session, now=now)
    return Outcome(True)


def _send_text(
    person: Person,
    draft_id: int,
    text: str,
    conv: Conversation,
    *,
    action: str,
    session: Session,
    now: datetime,
) -> Outcome:
    if not agent_actions.send_own_text(
        draft_id, person.desk_id, text, action=action, session=session, now=now
    ):
        return Outcome(False, "already_handled")
    _queue(conv, [text], draft_id, session=session, now=now)
    audit.record(
        person.username, action, f"draft:{draft_id}", detail={"text": text}, session=session, now=now
    )
    return Outcome(True)


def send_edited(
    person: Person, draft_id: int, text: str, *, shop_wide: ShopWideCache, session: Session, now: datetime
) -> Outcome:
    """Send the agent's text once it passes the policy check; a blocked text is kept for an override."""
    text = (text or "").strip()
    conv = _conversation(draft_id, session=session)
    if conv is None:
        return Outcome(False, "already_handled")
    if not text:
        return Outcome(False, "empty_text")
    reasons = agent_actions.check_or_propose(
        draft_id, person.desk_id, text, shop_wide=shop_wide, session=session, now=now
    )
    if reasons:
        audit.record(
            person.username,
            "edit_blocked",
            f"draft:{draft_id}",
            detail={"reasons": reasons},
            session=session,
            now=now,
        )
        return Outcome(False, "policy_blocked", reasons)
    return _send_text(person, draft_id, text, conv, action="edit", session=session, now=now)


def override(person: Person, draft_id: int, *, session: Session, now: datetime) -> Outcome:
    """A supervisor sends the text the policy check blocked, exactly as proposed."""
    conv = _conversation(draft_id, session=session)
    proposed = queries.last_proposed_text(draft_id, session=session) if conv else None
    if conv is None or not proposed:
        return Outcome(False, "override_nothing")
    return _send_text(person, draft_id, proposed, conv, action="override", session=session, now=now)


def reject(person: Person, draft_id: int, *, session: Session, now: datetime) -> Outcome:
    if not agent_actions.reject(draft_id, person.desk_id, session=session, now=now):
        return Outcome(False, "already_handled")
    audit.record(person.username, "reject", f"draft:{draft_id}", session=session, now=now)
    return Outcome(True)


def teach(person: Person, draft_id: int, intent: str, *, session: Session, now: datetime) -> Outcome:
    if intent not in INTENTS:
        return Outcome(False, "unknown_intent")
    if not agent_actions.teach(draft_id, person.desk_id, intent, session=session, now=now):
        return Outcome(False, "teach_not_rejected")
    audit.record(
        person.username, "teach", f"draft:{draft_id}", detail={"intent": intent}, session=session, now=now
    )
    return Outcome(True)


def set_mode(person: Person, draft_id: int, mode: str, *, session: Session, now: datetime) -> Outcome:
    if not agent_actions.set_mode(draft_id, person.desk_id, mode, session=session, now=now):
        return Outcome(False, "already_taken" if mode == "human" else "not_human_mode")
    audit.record(
        person.username,
        "take_over" if mode == "human" else "release",
        f"draft:{draft_id}",
        session=session,
        now=now,
    )
    return Outcome(True)
