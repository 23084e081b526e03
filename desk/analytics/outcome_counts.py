"""The period's drafts counted in the database by what the dashboard shows of them.

`outcomes.draft_outcomes` reads every draft of a period, one row each (the threshold
proposals need each draft's confidence). The dashboard needs only how many drafts share
an intent, a state, an outcome and a routing reason: grouped by the database, a busy week
(22 000 drafts) is at most a few thousand rows (a routing reason names the confidence to two
places), and no draft's JSON is decoded in Python. Each
group's outcome is `outcomes.judged` on the facts `draft_outcomes` uses, so the two
count alike (tests/desk/analytics/test_analytics_dashboard.py, both databases).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, exists, false, func, select
from sqlalchemy.orm import Session

from desk.analytics.outcomes import (
    DECIDING,
    NO_INTENT,
    OutcomeCount,
    judged,
    of_buyers,
)
from desk.analytics.period import Period
from desk.drafts import DraftState
from shop.models import SENDING_ACTIONS, AgentDecision, Conversation, Draft


def _has_reply(dialect: str) -> ColumnElement[bool]:
    """Some text of ``drafts.texts`` (a JSON list of strings) is not empty: there was a reply to send."""
    if dialect == "postgresql":
        texts = func.json_array_elements_text(Draft.texts).table_valued("value")
        some_text = exists(select(1).select_from(texts).where(texts.c.value != ""))
        # A JSON null (an old row) has no elements to list: PostgreSQL would raise, not say none.
        return case((func.json_typeof(Draft.texts) == "array", some_text), else_=false())
    texts = func.json_each(Draft.texts).table_valued("value")
    return exists(select(1).select_from(texts).where(texts.c.value != ""))


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 when some decision of the draft meets ``condition`` (max of 0/1: both databases)."""
    return func.max(case((condition, 1), else_=0))


def outcome_counts(*, session: Session, period: Period) -> list[OutcomeCount]:
    """The drafts made in ``period`` in buyers' chats, counted by intent, state, outcome and reasons."""
    decisions = (
        select(
            AgentDecision.draft_id.label("draft_id"),
            _flag(AgentDecision.action == "reject").label("rejected"),
            _flag(and_(AgentDecision.action == "send", AgentDecision.text.is_(None))).label("as_is"),
            _flag(AgentDecision.action.in_(SENDING_ACTIONS)).label("by_agent"),
        )
        .join(Draft, Draft.id == AgentDecision.draft_id)
        .join(Conversation, Conversation.id == Draft.conversation_id)
        .where(*of_buyers(period), AgentDecision.action.in_(DECIDING))
        .group_by(AgentDecision.draft_id)
        .subquery()
    )
    # One row per draft, inside the database; grouped by its labels (portable: no GROUP BY of a subquery).
    per_draft = (
        select(
            Draft.intent.label("intent"),
            _has_reply(session.get_bind().dialect.name).label("has_reply"),
            Draft.auto_send.label("auto_send"),
            Draft.state.label("state"),
            # Only this key of the draft's meta (as draft_outcomes reads it).
            Draft.meta["handoff_reason"].as_string().label("handoff_reason"),
            Draft.route_reason.label("route_reason"),
            decisions.c.draft_id.is_not(None).label("decided"),
            func.coalesce(decisions.c.rejected, 0).label("rejected"),
            func.coalesce(decisions.c.as_is, 0).label("as_is"),
            func.coalesce(decisions.c.by_agent, 0).label("by_agent"),
        )
        .join(Conversation, Conversation.id == Draft.conversation_id)
        .outerjoin(decisions, decisions.c.draft_id == Draft.id)
        .where(*of_buyers(period))
        .subquery()
    )
    columns = list(per_draft.c)
    rows = session.execute(select(*columns, func.count()).group_by(*columns))
    out = []
    for intent, has_reply, auto_send, state, handoff, route, decided, rejected, as_is, by_agent, n in rows:
        auto_sent = bool(auto_send) and state == DraftState.SENT and not decided
        outcome = (
            None
            if auto_sent
            else judged(
                state,
                decided=bool(decided),
                rejected=bool(rejected),
                as_is=bool(as_is),
                by_agent=bool(by_agent),
            )
        )
        out.append(
            OutcomeCount(intent or NO_INTENT, bool(has_reply), auto_sent, state, outcome, handoff, route, n)
        )
    return out
