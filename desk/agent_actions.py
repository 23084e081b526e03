"""What an agent does to a draft, without any front end: send, edit, reject, teach, take over, release.

Each function is one database transaction's work, called by a front end (the
Telegram desk in bot/desk.py, the web console's console/desk_work.py, the terminal
simulator in bot/simulate.py) that then talks to the buyer and the agent; no front
end keeps a copy of these rules.
Every state change is one conditional UPDATE (`store.claim_draft`), so when two
agents act on one draft at once exactly one of them wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from desk import inbox, queries, store
from desk.drafts import OPEN, DraftState
from shop.policy import check_text
from shop.store.linking import buyer_for_chat
from shop.store.policy_context import ShopWideCache, context_for
from shop.store.return_confirmation import FILE_ON_SEND, file_pending, valid_pending

HEAVY_EDIT = 0.5  # an edit changing more than half the draft teaches the model something


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (characters), two rows of memory."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def heavily_edited(draft: str, sent: str) -> bool:
    return bool(draft) and edit_distance(draft, sent) > HEAVY_EDIT * len(draft)


@dataclass
class Claimed:
    chat_id: str
    conversation_id: int
    replies: list[str]


class NotFiled(Exception):
    """The confirmation draft's request could not be filed: roll back, send nothing."""


def claim_for_send(
    draft_id: int, agent: str, *, channel: str, session: Session, now: datetime
) -> Claimed | str:
    """Claim a draft to send as it is: what to send where, or the agent text key saying why not."""
    draft = store.get_draft(draft_id, session=session)
    if draft is None or draft.state not in OPEN:
        return "already_handled"
    if not draft.texts or draft.policy_violations:
        return "cannot_send_as_is"
    if not store.claim_draft(draft_id, OPEN, DraftState.SENT, session=session, now=now):
        return "already_handled"
    store.record_decision(draft_id=draft_id, agent_user_id=agent, action="send", session=session, now=now)
    conv = queries.conversation_by_id(draft.conversation_id, session=session)
    assert conv is not None
    pending = valid_pending(((draft.meta or {}).get("facts") or {}).get(FILE_ON_SEND))
    if pending is not None:
        # The draft says "filed": the agent's Send is the confirmation the model was unsure of.
        # The buyer is who the chat is linked to now, never what the draft's facts say.
        buyer = buyer_for_chat(channel, conv.user_id, session=session)
        if buyer is None or file_pending(pending, buyer.account, now=now, session=session) is None:
            raise NotFiled
    return Claimed(conv.chat_id, conv.id, list(draft.texts))


def reject(draft_id: int, agent: str, *, session: Session, now: datetime) -> bool:
    """Reject an open draft (its message goes to the trainer inbox); False: already handled."""
    if not store.claim_draft(draft_id, OPEN, DraftState.REJECTED, session=session, now=now):
        return False
    store.record_decision(draft_id=draft_id, agent_user_id=agent, action="reject", session=session, now=now)
    draft = store.get_draft(draft_id, session=session)
    assert draft is not None
    inbox.add_from_draft(draft, "rejected", session=session, now=now)
    return True


def teach(draft_id: int, agent: str, intent: str, *, session: Session, now: datetime) -> bool:
    """Record the intent an agent picked for a rejected draft; False: the draft was not rejected."""
    draft = store.get_draft(draft_id, session=session)
    if draft is None or draft.state != DraftState.REJECTED:
        return False  # a draft that was sent (or still waits) was not wrong
    store.record_decision(
        draft_id=draft_id,
        agent_user_id=agent,
        action="teach",
        corrected_intent=intent,
        session=session,
        now=now,
    )
    inbox.set_agent_intent(draft_id, intent, session=session)
    return True


def set_mode(draft_id: int, agent: str, mode: str, *, session: Session, now: datetime) -> bool:
    """Take the draft's chat over ("human") or release it ("bot"); False: it already was."""
    draft = store.get_draft(draft_id, session=session)
    if draft is None:
        return False
    changed = store.set_mode(
        draft.conversation_id,
        mode,
        taken_over_by=agent if mode == "human" else None,
        expected_mode="bot" if mode == "human" else "human",
        session=session,
        now=now,
    )
    if changed:
        action = "take_over" if mode == "human" else "release"
        store.record_decision(draft_id=draft_id, agent_user_id=agent, action=action, session=session, now=now)
        if mode == "bot":
            # Released without an answer: nobody will act on this card any more.
            store.claim_draft(draft_id, [DraftState.PENDING], DraftState.SUPERSEDED, session=session, now=now)
    return changed


def propose(draft_id: int, agent: str, text: str, *, session: Session, now: datetime) -> None:
    """Keep a text the policy check blocked as the agent's proposal: a supervisor's override sends exactly this."""
    store.record_decision(
        draft_id=draft_id, agent_user_id=agent, action="edit", text=text, session=session, now=now
    )


def send_in_human_mode(draft_id: int, agent: str, text: str, *, session: Session, now: datetime) -> None:
    """An agent's own reply in a chat taken over: recorded as sent, whatever the draft's state."""
    store.claim_draft(draft_id, OPEN, DraftState.SENT, session=session, now=now)
    store.record_decision(
        draft_id=draft_id, agent_user_id=agent, action="send", text=text, session=session, now=now
    )


def send_edited(
    draft_id: int, agent: str, text: str, draft_text: str, *, action: str, session: Session, now: datetime
) -> bool:
    """Claim a draft to send the agent's text instead (a heavy edit teaches the model); False: handled."""
    if not store.claim_draft(draft_id, OPEN, DraftState.SENT, session=session, now=now):
        return False
    store.record_decision(
        draft_id=draft_id, agent_user_id=agent, action=action, text=text, session=session, now=now
    )
    if heavily_edited(draft_text, text):
        draft = store.get_draft(draft_id, session=session)
        assert draft is not None
        inbox.add_from_draft(draft, "edited", session=session, now=now)
    return True


def policy_reasons(draft_id: int, text: str, *, shop_wide: ShopWideCache, session: Session) -> list[str]:
    """Why the policy check blocks an agent's text for this draft's buyer (none: it may go out)."""
    draft = store.get_draft(draft_id, session=session)
    conv = queries.conversation_by_id(draft.conversation_id, session=session) if draft else None
    if conv is None:
        return []
    buyer = buyer_for_chat(conv.channel, conv.user_id, session=session)
    context = context_for(buyer, session=session, shop_wide=shop_wide)
    return [v.reason for v in check_text(text, context=context)]


def check_or_propose(
    draft_id: int, agent: str, text: str, *, shop_wide: ShopWideCache, session: Session, now: datetime
) -> list[str]:
    """The policy check of an agent's own text, for every front end: a blocked text is kept as the
    agent's proposal (what a supervisor's override sends) and the reasons say why; none: it may go out."""
    reasons = policy_reasons(draft_id, text, shop_wide=shop_wide, session=session)
    if reasons:
        propose(draft_id, agent, text, session=session, now=now)
    return reasons


@dataclass
class OwnTextSent:
    """Where the agent's own text goes, and whether the chat was in human mode (no draft edited)."""

    chat_id: str
    conversation_id: int
    human_mode: bool


def send_own_text(
    draft_id: int, agent: str, text: str, *, action: str = "edit", session: Session, now: datetime
) -> OwnTextSent | None:
    """The agent's own text instead of the draft, for every front end: in a chat in human mode it is
    the desk's own reply, recorded as sent whatever the draft's state; otherwise it is claimed as an
    ``action`` ("edit", or a supervisor's "override") of the draft (`send_edited`).
    None: already handled. The mode is read in the same transaction as the claim."""
    draft = store.get_draft(draft_id, session=session)
    conv = queries.conversation_by_id(draft.conversation_id, session=session) if draft else None
    if draft is None or conv is None:
        return None
    if conv.mode == "human":
        send_in_human_mode(draft_id, agent, text, session=session, now=now)
        return OwnTextSent(conv.chat_id, conv.id, human_mode=True)
    if not send_edited(
        draft_id, agent, text, "".join(draft.texts or []), action=action, session=session, now=now
    ):
        return None
    return OwnTextSent(conv.chat_id, conv.id, human_mode=False)
