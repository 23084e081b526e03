"""What became of each draft of a period: sent on its own, sent as drafted, edited, rejected.

A draft belongs to the period its buyer message's draft was made in
(``drafts.created_at``); drafts in the simulator's chats (`desk.channels.NOT_BUYERS`) are no
buyer's and never counted. An agent's outcome, from the draft's state and the
agent's decisions:

- ``unchanged``: sent, and an agent pressed Send on the draft as it was
  (a ``send`` decision without text);
- ``edited``: sent with the agent's own text (an ``edit``, an ``override`` of a
  blocked edit, or a ``send`` with text in a chat taken over);
- ``rejected``: rejected (whatever was proposed before).

A draft sent on its own (``auto_send``) has no agent outcome. Drafts without a
reply text (a photo, an action that failed) count in the totals but never in an
agent's rates: there was nothing to send unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.analytics.period import Period
from desk.channels import NOT_BUYERS
from desk.drafts import OPEN, DraftState
from shop.models import SENDING_ACTIONS, AgentDecision, Conversation, Draft

UNCHANGED, EDITED, REJECTED = "unchanged", "edited", "rejected"
OUTCOMES = (UNCHANGED, EDITED, REJECTED)
NO_INTENT = "(none)"  # drafts made without the model (photos, failures)


@dataclass(frozen=True)
class DraftOutcome:
    """One draft, as the numbers see it."""

    draft_id: int
    intent: str
    confidence: float | None
    has_reply: bool
    auto_sent: bool
    state: str
    outcome: str | None  # one of OUTCOMES, or None: no agent decided it
    corrected_intent: str | None  # the intent an agent taught on a rejection
    handoff_reason: str | None
    route_reason: str | None

    @property
    def drafts(self) -> int:
        """How many drafts this stands for (an :class:`OutcomeCount` stands for many)."""
        return 1


@dataclass(frozen=True)
class OutcomeCount:
    """How many drafts of a period are alike in everything the dashboard counts (desk/analytics/outcome_counts.py)."""

    intent: str
    has_reply: bool
    auto_sent: bool
    state: str
    outcome: str | None
    handoff_reason: str | None
    route_reason: str | None
    drafts: int


Counted = DraftOutcome | OutcomeCount
# Agents' decisions that decide a draft ("teach" only names the right intent of a rejected one).
DECIDING = (*SENDING_ACTIONS, "reject")


def judged(state: str, *, decided: bool, rejected: bool, as_is: bool, by_agent: bool) -> str | None:
    """An agent's outcome from the draft's state and its decisions: any at all (``decided``), a
    reject, a send without text (``as_is``), any send/edit/override (``by_agent``)."""
    if rejected or state == DraftState.REJECTED:
        return REJECTED if decided else None
    if state != DraftState.SENT:
        return None
    if as_is:
        return UNCHANGED
    if by_agent:
        return EDITED
    return None


def _outcome(state: str, decisions: list[tuple[str, str | None]]) -> str | None:
    actions = {action for action, _ in decisions}
    return judged(
        state,
        decided=bool(decisions),
        rejected="reject" in actions,
        as_is=any(action == "send" and text is None for action, text in decisions),
        by_agent=bool(actions & set(SENDING_ACTIONS)),
    )


def of_buyers(period: Period) -> tuple:
    """Drafts made in ``period`` in buyers' chats (the simulator's test chats never count)."""
    return (
        Draft.created_at >= period.start,
        Draft.created_at < period.end,
        Conversation.channel.not_in(NOT_BUYERS),
    )


def draft_outcomes(*, session: Session, period: Period) -> list[DraftOutcome]:
    """Every draft made in ``period`` with its outcome, oldest first."""
    drafts = session.execute(
        select(
            Draft.id,
            Draft.intent,
            Draft.confidence,
            Draft.texts,
            Draft.auto_send,
            Draft.state,
            # Only this key of the draft's meta: decoding whole metas (intent rankings) costs more than the rest.
            Draft.meta["handoff_reason"].as_string(),
            Draft.route_reason,
        )
        .join(Conversation, Conversation.id == Draft.conversation_id)
        .where(*of_buyers(period))
        .order_by(Draft.created_at, Draft.id)
    ).all()
    decisions: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    taught: dict[int, str] = {}
    rows = session.execute(
        select(
            AgentDecision.draft_id, AgentDecision.action, AgentDecision.text, AgentDecision.corrected_intent
        )
        .join(Draft, Draft.id == AgentDecision.draft_id)
        .join(Conversation, Conversation.id == Draft.conversation_id)
        .where(*of_buyers(period))
        .order_by(AgentDecision.id)
    )
    for draft_id, action, text, corrected in rows:
        if action == "teach" and corrected:
            taught[draft_id] = corrected
        elif action in DECIDING:
            decisions[draft_id].append((action, text))
    out = []
    for draft_id, intent, confidence, texts, auto_send, state, handoff_reason, route_reason in drafts:
        has_reply = any(t for t in texts or [])
        mine = decisions.get(draft_id, [])
        auto_sent = bool(auto_send) and state == DraftState.SENT and not mine
        out.append(
            DraftOutcome(
                draft_id=draft_id,
                intent=intent or NO_INTENT,
                confidence=confidence,
                has_reply=has_reply,
                auto_sent=auto_sent,
                state=state,
                outcome=None if auto_sent else _outcome(state, mine),
                corrected_intent=taught.get(draft_id),
                handoff_reason=handoff_reason,
                route_reason=route_reason,
            )
        )
    return out


@dataclass(frozen=True)
class Automation:
    """Of the drafts of a period: how many went out on their own, by an agent, or not at all."""

    drafts: int
    auto_sent: int
    agent_sent: int
    rejected: int
    superseded: int
    waiting: int

    @property
    def rate(self) -> float | None:
        """Share of drafts sent on their own (None: no drafts)."""
        return self.auto_sent / self.drafts if self.drafts else None


def automation(outcomes: Iterable[Counted]) -> Automation:
    """The automation figures of these drafts."""
    outcomes = list(outcomes)
    return Automation(
        drafts=sum(o.drafts for o in outcomes),
        auto_sent=sum(o.drafts for o in outcomes if o.auto_sent),
        # Every draft lands in exactly one of these: they add up to ``drafts``.
        agent_sent=sum(o.drafts for o in outcomes if o.state == DraftState.SENT and not o.auto_sent),
        rejected=sum(o.drafts for o in outcomes if o.state == DraftState.REJECTED),
        superseded=sum(o.drafts for o in outcomes if o.state == DraftState.SUPERSEDED),
        waiting=sum(o.drafts for o in outcomes if o.state in OPEN),
    )


@dataclass(frozen=True)
class IntentDecisions:
    """Agents' decisions on one intent's drafts (drafts with a reply only)."""

    intent: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def decided(self) -> int:
        return sum(self.counts.get(o, 0) for o in OUTCOMES)

    def rate(self, outcome: str) -> float | None:
        """Share of decided drafts with ``outcome`` (None: none decided)."""
        return self.counts.get(outcome, 0) / self.decided if self.decided else None


def decisions_by_intent(outcomes: Iterable[Counted]) -> list[IntentDecisions]:
    """Send-unchanged / edit / reject counts per intent, most decided first."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(OUTCOMES, 0))
    for o in outcomes:
        if o.outcome is not None and o.has_reply:
            counts[o.intent][o.outcome] += o.drafts
    rows = [IntentDecisions(intent, dict(c)) for intent, c in counts.items()]
    return sorted(rows, key=lambda r: (-r.decided, r.intent))
