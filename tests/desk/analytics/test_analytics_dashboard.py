"""The owner's dashboard numbers equal what the database holds (both backends)."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from desk import store
from desk.analytics.dashboard import dashboard, figure
from desk.analytics.handoffs import HandoffReason, handoff_reasons, route_code
from desk.analytics.outcome_counts import outcome_counts
from desk.analytics.outcomes import automation, decisions_by_intent, draft_outcomes
from desk.analytics.period import Period
from desk.analytics.response_time import percentile
from desk.analytics.volume import volume_of
from desk.routing import RoutingConfigError, load_routing, parse_routing
from paths import RESPONSES_DIR
from shop.models import Draft
from tests.desk.analytics.history import SHANGHAI, Shop, decided_history, local, reason, two_days

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


def test_a_reply_at_the_same_instant_answers_the_question_and_never_precedes_it(
    session: Session, shop_routing
) -> None:
    shop = Shop(session)
    at = local(24, 10)
    shop.sent("S", at - timedelta(minutes=5), "亲，在的～")  # a reply before any question: no wait
    shop.says("S", at)
    shop.says("S", at)  # two messages at one instant: one wait
    shop.sent("S", at)  # answered in the same instant: a wait of 0 s
    shop.says("S", at + timedelta(minutes=1))
    shop.sent("S", at + timedelta(minutes=1, seconds=30))
    shop.sent("S", at + timedelta(minutes=2))  # a second reply ends nothing
    session.commit()
    first = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER).first_response
    assert first.answered_seconds == [0, 30] and (first.waits, first.unanswered) == (2, 0)


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


def _odd_drafts(session: Session) -> None:
    """Drafts at the edges of "had a reply" and of the agents' decisions."""
    shop = Shop(session)
    below = reason("below_threshold", intent="ask_size", confidence=0.5, threshold=0.99)
    for n, (replies, action, text) in enumerate(
        [
            (("",), "send", None),  # an empty text sent unchanged: no reply to judge
            (("", "亲，M码哦～"), "send", None),  # one empty part, one real
            ((), "edit", "亲，这是我写的～"),  # nothing drafted, the agent wrote it
            (("亲，在的～",), "reject", None),
        ]
    ):
        at = local(25, 11, n)
        draft = shop.draft(f"O{n}", shop.says(f"O{n}", at), at, intent="ask_size", confidence=0.5,
                           replies=replies, route=below)  # fmt: skip
        shop.agent(f"O{n}", draft, at + timedelta(seconds=20), action, text)
    # Sent unchanged, then a supervisor's override on it too; taught without any other decision.
    at = local(25, 12)
    draft = shop.draft("P", shop.says("P", at), at, intent="bargain", confidence=0.4, route=below)
    shop.agent("P", draft, at + timedelta(seconds=5), "send")
    store.record_decision(draft_id=draft, agent_user_id="99", action="override", text="亲～", session=session)
    lone = shop.draft("Q", shop.says("Q", at), at, intent="greet", confidence=0.4, route=below)
    shop.supersede(lone, at + timedelta(seconds=5))
    shop.teach(lone, at + timedelta(seconds=6), "greet")
    # A JSON null where the texts belong (rows older than the default list).
    nothing = shop.draft("R", shop.says("R", at), at, intent="thank", confidence=0.4, route=below)
    session.execute(update(Draft).where(Draft.id == nothing).values(texts=None))
    session.commit()


def test_the_databases_counts_equal_the_drafts_read_one_by_one(session: Session) -> None:
    """The dashboard counts drafts in SQL (outcome_counts); the thresholds read each (draft_outcomes)."""
    two_days(session)
    decided_history(session)
    _odd_drafts(session)
    each = draft_outcomes(session=session, period=PERIOD)
    counted = outcome_counts(session=session, period=PERIOD)
    assert sum(c.drafts for c in counted) == len(each) > 70
    assert len(counted) < len(each)  # grouped, not one row per draft
    assert automation(counted) == automation(each)
    assert decisions_by_intent(counted) == decisions_by_intent(each)
    assert handoff_reasons(counted) == handoff_reasons(each)
    # The edges are there: a sent draft with nothing to judge, and one decided by its real part.
    assert any(o.outcome == "unchanged" and not o.has_reply for o in each)
    assert any(o.outcome == "edited" and not o.has_reply for o in each)


def test_the_simulators_chats_move_no_figure(session: Session, shop_routing) -> None:
    """Trainers' test chats (channel "simulator") are no buyers: they would inflate every rate."""
    two_days(session)
    buyers_only = dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER)
    two_days(session, channel="simulator")  # the same two days replayed by a trainer, same chat ids
    assert dashboard(session=session, period=PERIOD, routing=shop_routing, now=LATER) == buyers_only
    for field in ("volume", "automation", "decisions", "first_response", "handoffs"):
        alone = figure(field, session=session, period=PERIOD, routing=shop_routing, now=LATER)
        assert alone == getattr(buyers_only, field), field


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu", "America/New_York"])
def test_volume_is_bucketed_on_the_shops_clock_whatever_its_offset(zone: str) -> None:
    """Half- and quarter-hour offsets, and a daylight-saving switch (New York, 8 March 2026)."""
    period = Period(datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC), zone)
    rng = random.Random(7)
    moments = [period.start + timedelta(seconds=s) for s in rng.sample(range(3 * 86400), 2000)]
    local = [period.local(t) for t in moments]
    hours = Counter(t.replace(minute=0, second=0, microsecond=0) for t in local)
    days = Counter(t.date() for t in local)
    volume = volume_of(moments, period)
    assert volume.total == 2000
    assert volume.per_hour == [(hour, hours.get(hour, 0)) for hour in period.hours()]
    assert volume.per_day == [(day, days.get(day, 0)) for day in period.days()]


def test_route_codes_are_found_again_from_the_stored_wording() -> None:
    assert route_code(reason("below_threshold", intent="bargain", confidence=0.5, threshold=0.94)) == (
        "below_threshold"
    )
    assert route_code(reason("auto", mode="bot_first", intent="greet", confidence=1, threshold=0.9)) == "auto"
    assert route_code("earlier_waiting") == "earlier_waiting"
    toned = reason("tone_doubt", intent="ask_invoice", confidence=0.9, tone=0.74, max_tone=0.3)
    assert route_code(toned) == "tone_doubt"
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
