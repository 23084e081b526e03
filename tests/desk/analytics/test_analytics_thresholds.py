"""Thresholds proposed from agents' decisions, and applying one to routing.yml (recorded)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.analytics.apply import NotApplicable, apply_proposal, threshold_history
from desk.analytics.outcomes import EDITED, REJECTED, UNCHANGED
from desk.analytics.period import Period
from desk.analytics.thresholds import (
    ALWAYS_AGENT,
    NEVER,
    NOT_ENOUGH,
    PROPOSED,
    proposals,
    propose_for,
)
from desk.routing import IntentRoute, load_routing
from paths import RESPONSES_DIR
from shop.models.owner import ThresholdChange
from tests.desk.analytics.history import decided_history, local, outcome, sixty

OFF = IntentRoute(False, 1.0)


def test_the_lowest_threshold_meeting_the_precision_is_proposed() -> None:
    proposal = propose_for("ask_size", sixty(), IntentRoute(True, 0.99))
    # At 0.70: 40 decisions, 39 sent unchanged (97.5 %); at 0.69 only 39 of 42.
    assert (proposal.status, proposal.threshold, proposal.decisions) == (PROPOSED, 0.70, 60)
    assert proposal.precision == pytest.approx(39 / 40) and proposal.coverage == pytest.approx(40 / 60)
    assert proposal.new_route == IntentRoute(True, 0.70) and proposal.changes
    assert not propose_for("ask_size", sixty(), IntentRoute(True, 0.70)).changes


def test_confidence_bands_count_unchanged_sends() -> None:
    bands = {(b.low, b.high): b for b in propose_for("ask_size", sixty(), OFF).bands}
    assert (bands[(0.6, 0.7)].decided, bands[(0.6, 0.7)].unchanged) == (20, 0)
    assert (bands[(0.85, 0.9)].decided, bands[(0.85, 0.9)].unchanged) == (10, 9)
    assert bands[(0.85, 0.9)].unchanged_rate == pytest.approx(0.9)
    assert bands[(0.99, 1.0)].decided == 0 and bands[(0.99, 1.0)].unchanged_rate is None
    top = propose_for("greet", [outcome("greet", 1.0, UNCHANGED)], OFF).bands[-1]
    assert top.decided == 1  # a confidence of exactly 1.0 is in the last band


def test_a_harmful_rejection_keeps_the_threshold_above_it() -> None:
    sure = [outcome("ask_size", 0.90, UNCHANGED) for _ in range(40)]
    unsure = [outcome("ask_size", 0.55, EDITED) for _ in range(1)]
    harmless = propose_for(
        "ask_size", [*sure, *unsure, outcome("ask_size", 0.80, REJECTED, "ask_stock")], OFF
    )
    assert harmless.threshold == 0.56  # 40 of 41 unchanged: 97.6 %
    harmful = propose_for("ask_size", [*sure, *unsure, outcome("ask_size", 0.80, REJECTED, "complain")], OFF)
    assert harmful.threshold == 0.81


def test_never_not_enough_and_always_agent() -> None:
    # Enough decisions, but agents changed too many at every confidence: auto-send off.
    mixed = [outcome("bargain", 0.5 + 0.01 * (i % 40), UNCHANGED if i % 4 else EDITED) for i in range(80)]
    never = propose_for("bargain", mixed, IntentRoute(True, 0.94))
    assert never.status == NEVER and never.new_route == OFF and never.changes
    few = propose_for("greet", [outcome("greet", 0.9, UNCHANGED)] * 19, OFF)
    assert few.status == NOT_ENOUGH and few.new_route is None and not few.applicable
    complaints = propose_for("complain", [outcome("complain", 0.99, UNCHANGED)] * 100, OFF)
    assert complaints.status == ALWAYS_AGENT and complaints.threshold is None


def test_decisions_in_the_simulator_propose_no_threshold(session: Session) -> None:
    """A trainer sending drafts unchanged in test chats says nothing about buyers' messages."""
    period = Period.between(date(2026, 11, 24), date(2026, 11, 24), timezone="Asia/Shanghai")
    routing = load_routing(RESPONSES_DIR / "routing.yml")
    decided_history(session, channel="simulator")
    size = next(
        p for p in proposals(session=session, period=period, routing=routing) if p.intent == "ask_size"
    )
    assert (size.status, size.decisions) == (NOT_ENOUGH, 0)
    decided_history(session)  # the same decisions in buyers' chats: only these count
    size = next(
        p for p in proposals(session=session, period=period, routing=routing) if p.intent == "ask_size"
    )
    assert (size.status, size.threshold, size.decisions) == (PROPOSED, 0.70, 60)


@pytest.fixture
def routing_copy(tmp_path: Path) -> Path:
    path = tmp_path / "routing.yml"
    shutil.copyfile(RESPONSES_DIR / "routing.yml", path)
    return path


def test_apply_writes_routing_yml_and_records_who_and_when(session: Session, routing_copy: Path) -> None:
    decided_history(session)
    period = Period.between(date(2026, 11, 24), date(2026, 11, 24), timezone="Asia/Shanghai")
    routing = load_routing(routing_copy)
    by_intent = {p.intent: p for p in proposals(session=session, period=period, routing=routing)}
    size = by_intent["ask_size"]
    assert (size.status, size.threshold, size.decisions) == (PROPOSED, 0.70, 60)
    assert by_intent["complain"].status == ALWAYS_AGENT
    assert by_intent["ask_stock"].status == NOT_ENOUGH and by_intent["ask_stock"].decisions == 0

    before = routing_copy.read_text(encoding="utf-8").splitlines()
    change = apply_proposal(
        size, routing_file=routing_copy, applied_by="owner:linlin", period=period, session=session,
        now=local(26, 9),
    )  # fmt: skip
    session.commit()
    after = routing_copy.read_text(encoding="utf-8").splitlines()
    # Only ask_size's line changed, aligned like the others; every comment stays.
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    was = routing.route_for("ask_size")  # whatever the shop's file says today (make thresholds rewrites it)
    old_line = next(line for line in before if line.startswith("  ask_size:"))
    assert changed == [(old_line, old_line.replace(f"threshold: {was.threshold:.2f}", "threshold: 0.70"))]
    assert "auto_send: true" in changed[0][1]
    # The owner moves the threshold; the caps `make thresholds` chose stay.
    assert load_routing(routing_copy).route_for("ask_size") == IntentRoute(
        True, 0.70, was.max_grievance, was.max_tone
    )

    row = session.scalars(select(ThresholdChange)).one()
    assert (row.intent, row.old_auto_send, row.old_threshold, row.new_auto_send, row.new_threshold) == (
        "ask_size", was.auto_send, was.threshold, True, 0.70,
    )  # fmt: skip
    assert (row.applied_by, row.applied_at, row.decisions) == ("owner:linlin", local(26, 9), 60)
    assert row.precision == pytest.approx(39 / 40) and row.period_start == period.start
    assert [c.id for c in threshold_history(session=session)] == [change.id]

    with pytest.raises(NotApplicable) as again:
        apply_proposal(size, routing_file=routing_copy, applied_by="owner", period=period, session=session)
    assert again.value.code == "unchanged"


def test_apply_refuses_what_must_reach_an_agent_and_records_nothing(
    session: Session, routing_copy: Path
) -> None:
    before = routing_copy.read_text(encoding="utf-8")
    sure = propose_for("complain", [outcome("complain", 0.99, UNCHANGED)] * 100, OFF)
    few = propose_for("greet", [outcome("greet", 0.9, UNCHANGED)] * 3, OFF)
    for proposal, code in ((sure, "always_agent"), (few, NOT_ENOUGH)):
        with pytest.raises(NotApplicable) as refused:
            apply_proposal(
                proposal, routing_file=routing_copy, applied_by="owner", period=None, session=session
            )
        assert refused.value.code == code
    assert routing_copy.read_text(encoding="utf-8") == before
    assert session.scalars(select(ThresholdChange)).all() == []


def test_the_owner_reads_an_intents_grievance_cap_beside_its_threshold() -> None:
    from desk.analytics.report import route_words

    capped = route_words(IntentRoute(True, 0.69, 0.03))
    assert "0.69" in capped and "0.03" in capped and "投诉" in capped
    assert "投诉" not in route_words(IntentRoute(True, 0.69))
    toned = route_words(IntentRoute(True, 0.69, 1.0, 0.4))
    assert "0.69" in toned and "语气像投诉超过 0.40" in toned and "成分" not in toned
    both = route_words(IntentRoute(True, 0.69, 0.03, 0.4))
    assert "0.03" in both and "0.40" in both
