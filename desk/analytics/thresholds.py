"""Auto-send thresholds proposed from what agents did with the drafts they saw.

For each intent, the drafts agents decided (sent unchanged, edited, rejected)
tell how often the bot's reply was right at each confidence. An intent's
proposed threshold is the lowest (two decimals, as routing.yml keeps them) at
which the drafts at or above it were sent unchanged at least `precision` of the
time, backed by at least `min_decisions` decisions, with no harmful one among
them (a draft rejected as a complaint, return or request for a person). With
enough decisions but no such threshold the proposal is "never" (auto-send off);
with too few there is none. Intents that must always reach an agent
(`desk.routing.NEVER_AUTO`) never get one.

The evidence is only what agents saw: drafts sent on their own were not
reviewed, so above an intent's current threshold there are few decisions, and
the proposal leans on the confidences below it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desk.analytics.outcomes import NO_INTENT, REJECTED, UNCHANGED, DraftOutcome, draft_outcomes
from desk.analytics.period import Period
from desk.routing import NEVER_AUTO, IntentRoute, RoutingConfig

TARGET_PRECISION = 0.97
MIN_DECISIONS = 20
# A reply to one of these, sent as something else, is the harm auto-sending must never do.
HARMFUL_CORRECTIONS = frozenset({"complain", "request_return", "request_human"})
GRID = tuple(round(0.50 + 0.01 * i, 2) for i in range(50))  # 0.50 .. 0.99
BAND_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)

PROPOSED = "proposed"  # a threshold
NEVER = "never"  # enough decisions, no threshold good enough: auto-send off
NOT_ENOUGH = "not_enough"  # too few decisions to say
ALWAYS_AGENT = "always_agent"  # must always reach an agent


@dataclass(frozen=True)
class Band:
    """Decisions on drafts with ``low <= confidence < high`` (the last band includes 1.0)."""

    low: float
    high: float
    decided: int
    unchanged: int

    @property
    def unchanged_rate(self) -> float | None:
        return self.unchanged / self.decided if self.decided else None


@dataclass(frozen=True)
class Proposal:
    """One intent's proposal, the evidence for it, and the rule in force now."""

    intent: str
    status: str  # PROPOSED, NEVER, NOT_ENOUGH or ALWAYS_AGENT
    threshold: float | None  # PROPOSED only
    precision: float | None  # unchanged-send share of the decisions at or above the threshold
    coverage: float | None  # share of the intent's decisions the threshold would have sent on their own
    decisions: int  # all decided drafts of the intent
    bands: list[Band]
    current: IntentRoute

    @property
    def applicable(self) -> bool:
        return self.status in (PROPOSED, NEVER)

    @property
    def new_route(self) -> IntentRoute | None:
        """The routing line applying it would write (None: nothing to apply)."""
        if self.status == PROPOSED and self.threshold is not None:
            return IntentRoute(True, self.threshold)
        if self.status == NEVER:
            return IntentRoute(False, 1.0)
        return None

    @property
    def changes(self) -> bool:
        """Applying it would change what routing does today."""
        new = self.new_route
        if new is None:
            return False
        if not new.auto_send:
            return self.current.auto_send
        return not self.current.auto_send or round(self.current.threshold, 2) != new.threshold


def _bands(decided: list[tuple[float, bool]]) -> list[Band]:
    out = []
    for i, low in enumerate(BAND_EDGES):
        high = BAND_EDGES[i + 1] if i + 1 < len(BAND_EDGES) else 1.0
        last = i + 1 == len(BAND_EDGES)
        inside = [ok for conf, ok in decided if low <= conf and (conf < high or (last and conf <= 1.0))]
        out.append(Band(low, high, len(inside), sum(inside)))
    return out


def propose_for(
    intent: str,
    outcomes: list[DraftOutcome],
    current: IntentRoute,
    *,
    precision: float = TARGET_PRECISION,
    min_decisions: int = MIN_DECISIONS,
) -> Proposal:
    """The proposal for ``intent`` from these drafts' outcomes (other intents' are ignored)."""
    mine = [
        o
        for o in outcomes
        if o.intent == intent and o.outcome is not None and o.has_reply and o.confidence is not None
    ]
    decided = [(float(o.confidence), o.outcome == UNCHANGED) for o in mine]  # type: ignore[arg-type]
    harmful = [
        float(o.confidence)  # type: ignore[arg-type]
        for o in mine
        if o.outcome == REJECTED
        and o.corrected_intent in HARMFUL_CORRECTIONS
        and o.corrected_intent != intent
    ]
    base = {"intent": intent, "decisions": len(decided), "bands": _bands(decided), "current": current}
    if intent in NEVER_AUTO:
        return Proposal(status=ALWAYS_AGENT, threshold=None, precision=None, coverage=None, **base)
    if len(decided) < min_decisions:
        return Proposal(status=NOT_ENOUGH, threshold=None, precision=None, coverage=None, **base)
    for threshold in GRID:
        sent = [ok for conf, ok in decided if conf >= threshold]
        if len(sent) < min_decisions:
            break  # higher thresholds only send fewer
        right = sum(sent) / len(sent)
        if right >= precision and not any(conf >= threshold for conf in harmful):
            return Proposal(
                status=PROPOSED,
                threshold=threshold,
                precision=right,
                coverage=len(sent) / len(decided),
                **base,
            )
    return Proposal(status=NEVER, threshold=None, precision=None, coverage=None, **base)


def proposals(
    *,
    session: Session,
    period: Period,
    routing: RoutingConfig,
    precision: float = TARGET_PRECISION,
    min_decisions: int = MIN_DECISIONS,
) -> list[Proposal]:
    """A proposal for every intent the routing file lists or agents decided in ``period``."""
    outcomes = draft_outcomes(session=session, period=period)
    seen: dict[str, int] = defaultdict(int)
    for o in outcomes:
        if o.outcome is not None:
            seen[o.intent] += 1
    intents = sorted((set(routing.intents) | set(seen)) - {NO_INTENT})
    return [
        propose_for(
            intent, outcomes, routing.route_for(intent), precision=precision, min_decisions=min_decisions
        )
        for intent in intents
    ]
