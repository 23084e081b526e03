"""Agent actions without a front end: one winner per draft, rejected and heavily edited drafts teach."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desk import agent_actions, inbox
from shop.models import utcnow
from tests.desk.test_store import _draft


def test_a_rejected_draft_cannot_be_sent_and_goes_to_the_inbox(session: Session) -> None:
    draft = _draft(session)
    assert agent_actions.reject(draft.id, "11", session=session, now=utcnow())
    assert not agent_actions.reject(draft.id, "12", session=session, now=utcnow())
    claimed = agent_actions.claim_for_send(draft.id, "12", channel="telegram", session=session, now=utcnow())
    assert claimed == "already_handled"
    assert [(i.reason, i.draft_id) for i in inbox.list_items(session=session)] == [("rejected", draft.id)]
    assert agent_actions.teach(draft.id, "11", "thank", session=session, now=utcnow())


def test_only_a_heavy_edit_teaches(session: Session) -> None:
    light, heavy = _draft(session, key="1"), _draft(session, key="2")
    now = utcnow()
    assert agent_actions.send_edited(
        light.id, "11", "亲，您好呀", "亲，您好", action="edit", session=session, now=now
    )
    assert agent_actions.send_edited(
        heavy.id, "11", "在的，这款有货哦", "亲，您好", action="edit", session=session, now=now
    )
    assert not agent_actions.send_edited(
        heavy.id, "12", "x", "亲，您好", action="edit", session=session, now=now
    )
    assert [(i.reason, i.draft_id) for i in inbox.list_items(session=session)] == [("edited", heavy.id)]
    assert not agent_actions.teach(heavy.id, "11", "thank", session=session, now=now)  # sent, not wrong


def test_own_text_is_an_edit_or_in_human_mode_a_send_and_keeps_an_overrides_name(session: Session) -> None:
    """One rule for every front end: the decision recorded says what the agent did."""
    from desk import store
    from shop.models import AgentDecision

    edited, overridden = _draft(session, key="1"), _draft(session, key="2")
    now = utcnow()
    assert agent_actions.send_own_text(edited.id, "11", "亲，在的哦", session=session, now=now)
    assert agent_actions.send_own_text(
        overridden.id, "12", "亲，这款退不了哦", action="override", session=session, now=now
    )
    assert not agent_actions.send_own_text(overridden.id, "13", "x", session=session, now=now)  # handled
    store.set_mode(edited.conversation_id, "human", taken_over_by="11", session=session, now=now)
    taken = _draft(session, key="3")
    assert agent_actions.send_own_text(
        taken.id, "11", "我来帮您看", action="override", session=session, now=now
    )
    decisions = session.execute(AgentDecision.__table__.select().order_by(AgentDecision.id)).all()
    assert [(d.draft_id, d.action, d.text) for d in decisions] == [
        (edited.id, "edit", "亲，在的哦"),
        (overridden.id, "override", "亲，这款退不了哦"),
        (taken.id, "send", "我来帮您看"),  # in a chat taken over, every own text is the desk's reply
    ]


def test_a_blocked_text_is_kept_as_the_proposal_an_override_sends(session: Session) -> None:
    """One rule for every front end: a text the policy check refuses is kept for a supervisor."""
    from desk import queries
    from shop.store.policy_context import ShopWideCache

    draft = _draft(session)
    now, cache = utcnow(), ShopWideCache()
    reasons = agent_actions.check_or_propose(
        draft.id, "11", "亲，保证明天一定到货！", shop_wide=cache, session=session, now=now
    )
    assert reasons  # the agent is told why
    assert queries.last_proposed_text(draft.id, session=session) == "亲，保证明天一定到货！"
    assert (
        agent_actions.check_or_propose(
            draft.id, "11", "亲，在的哦", shop_wide=cache, session=session, now=now
        )
        == []
    )
    # a text that may go out is not a proposal: the override still sends the blocked one
    assert queries.last_proposed_text(draft.id, session=session) == "亲，保证明天一定到货！"
