"""The owner's dashboard numbers equal what the database holds (both backends)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from desk.analytics.dashboard import dashboard, figure
from desk.analytics.handoffs import HandoffReason, route_code
from desk.analytics.period import Period
from desk.analytics.response_time import percentile
from desk.routing import RoutingConfigError, load_routing, parse_routing
from paths import RESPONSES_DIR
from tests.desk.analytics.history import SHANGHAI, local, reason, two_days

PERIOD = Period.between(date(2026, 11, 24), date(2026, 11, 25), timezone="Asia/Shanghai")
LATER = PERIOD.end + timedelta(days=1)


@pytest.fixture
def shop_routing():
    return load_routing(RESPONSES_DIR / "routing.yml")


def test_the_response_rule_is_the_routing_files(shop_routing) -> None:
    assert shop_routing.response_minutes == 3


def test_messages_per_hour_and_day_on_the_shops_clock(session: Session, shop_routing) -> None:
    two_days(session)
    volume = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER).volume
    # Ten buyer messages: the one before and the one after the period and the desk's update do not count.
    assert volume.total == 10
    assert volume.per_day == [(date(2026, 11, 24), 6), (date(2026, 11, 25), 4)]
    assert len(volume.per_hour) == 48 and sum(c for _, c in volume.per_hour) == 10
    busy = {(h.day, h.hour): c for h, c in volume.per_hour if c}
    assert busy == {(24, 0): 1, (24, 9): 4, (24, 15): 1, (25, 14): 2, (25, 20): 1, (25, 23): 1}
    assert volume.per_hour[0][0] == datetime(2026, 11, 24, 0, tzinfo=SHANGHAI)
    assert volume.by_hour_of_day[9] == 4 and sum(volume.by_hour_of_day) == 10


def test_automation_counts_every_draft_once(session: Session, shop_routing) -> None:
    two_days(session)
    auto = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER).automation
    assert (auto.drafts, auto.auto_sent, auto.agent_sent, auto.rejected, auto.superseded, auto.waiting) == (
        10, 4, 3, 1, 1, 1,
    )  # fmt: skip
    assert auto.rate == pytest.approx(0.4)


def test_agents_decisions_per_intent(session: Session, shop_routing) -> None:
    two_days(session)
    rows = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER).decisions
    # The photo's draft had no reply to send unchanged: it is in no intent's rates.
    assert {r.intent: r.counts for r in rows} == {
        "ask_size": {"unchanged": 1, "edited": 0, "rejected": 0},
        "ask_order_status": {"unchanged": 0, "edited": 1, "rejected": 0},
        "complain": {"unchanged": 0, "edited": 0, "rejected": 1},
    }
    size = next(r for r in rows if r.intent == "ask_size")
    assert size.rate("unchanged") == 1.0 and size.rate("rejected") == 0.0


def test_first_response_against_the_rule(session: Session, shop_routing) -> None:
    two_days(session)
    first = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER).first_response
    # Waits: 2 s, 120 s, 300 s (two quick messages, the holding message ignored), 301 s (a rejected
    # complaint, then the next answer), 90 s (answered after midnight), 120 s (a photo: the receipt
    # is no answer); chat C's message joined a wait from before the period; chat E is unanswered.
    assert first.answered_seconds == [2, 90, 120, 120, 300, 301]
    assert (first.waits, first.unanswered, first.still_open) == (7, 1, 0)
    assert (first.p50, first.p90) == (120, 301)
    assert first.rule_seconds == 180 and first.within_rule == 4
    assert first.share_within_rule == pytest.approx(4 / 7)


def test_a_wait_within_the_rule_is_still_open_and_a_longer_rule_counts_more(
    session: Session, shop_routing
) -> None:
    two_days(session)
    soon = local(25, 20, 1)  # a minute after chat E wrote
    first = dashboard(session=session, period=PERIOD, routing=shop_routing, now=soon).first_response
    assert (first.unanswered, first.still_open, first.share_within_rule) == (0, 1, pytest.approx(4 / 6))
    five = dataclasses.replace(shop_routing, response_minutes=5)
    first = dashboard(session=session, period=PERIOD, routing=five, now=LATER).first_response
    assert first.within_rule == 5 and first.share_within_rule == pytest.approx(5 / 7)


def test_handoff_reasons(session: Session, shop_routing) -> None:
    two_days(session)
    reasons = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER).handoffs
    assert reasons == [
        HandoffReason("below_threshold", None, 3),
        HandoffReason("handoff", "tracking_stale", 1),
        HandoffReason("media", None, 1),
        HandoffReason("never_auto", None, 1),
    ]


def test_an_empty_period_has_no_rates(session: Session, shop_routing) -> None:
    board = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER)
    assert board.volume.total == 0 and board.automation.rate is None and board.decisions == []
    assert board.first_response.p50 is None and board.first_response.share_within_rule is None


def test_each_figure_computed_alone_equals_the_dashboards(session: Session, shop_routing) -> None:
    """A chart opened without its page computes its figure alone: the same numbers as the whole board."""
    two_days(session)
    board = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER)
    for field in ("volume", "automation", "decisions", "first_response", "handoffs"):
        alone = figure(field, session=session, period=PERIOD, routing=shop_routing, now=LATER)
        assert alone == getattr(board, field), field
    with pytest.raises(ValueError, match="no dashboard figure"):
        figure("period", session=session, period=PERIOD, routing=shop_routing)


def test_the_simulators_chats_move_no_figure(session: Session, shop_routing) -> None:
    """Trainers' test chats (channel "simulator") are no buyers: they would inflate every rate."""
    two_days(session)
    buyers_only = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER)
    two_days(session, channel="simulator")  # the same two days replayed by a trainer, same chat ids
    assert dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER) == buyers_only
    for field in ("volume", "automation", "decisions", "first_response", "handoffs"):
        alone = figure(field, session=session, period=PERIOD, routing=shop_routing, now=LATER)
        assert alone == getattr(buyers_only, field), field


def test_route_codes_are_found_again_from_the_stored_wording() -> None:
    assert route_code(reason("below_threshold", intent="bargain", confidence=0.5, threshold=0.94)) == (
        "below_threshold"
    )
    assert route_code(reason("auto", mode="bot_first", intent="greet", confidence=1, threshold=0.9)) == "auto"
    assert route_code("earlier_waiting") == "earlier_waiting"
    assert route_code("人工改过的说法") == "other" and route_code(None) == "other"


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([5], 90) == 5
    assert percentile([1, 2, 3, 4], 50) == 2 and percentile([1, 2, 3, 4], 90) == 4


def test_periods_are_local_days() -> None:
    assert PERIOD.start == datetime(2026, 11, 23, 16, tzinfo=UTC)  # local midnight is 16:00 UTC
    assert PERIOD.days() == [date(2026, 11, 24), date(2026, 11, 25)]
    week = Period.last_days(7, now=local(25, 10), timezone="Asia/Shanghai")
    assert week.start == local(19, 0) and week.end == local(25, 10) and len(week.days()) == 7
    with pytest.raises(ValueError):
        Period(local(25, 10), local(24, 10))


def test_the_response_rule_must_be_a_positive_number() -> None:
    assert parse_routing({"response_minutes": 5}).response_minutes == 5
    for bad in (0, -1, "soon"):
        with pytest.raises(RoutingConfigError, match="response_minutes"):
            parse_routing({"response_minutes": bad})
