"""Human mode's pure parts: what the buyer is told, when the quiet time is over, its settings."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desk import human_mode, texts
from desk.pipeline import RoutedDraft
from desk.routing import HumanMode, RouteDecision, RoutingConfigError, load_routing, parse_routing
from paths import RESPONSES_DIR

SHOP = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def routing():
    return load_routing(RESPONSES_DIR / "routing.yml")


def _opens(key: str, **fields: object) -> str:
    return texts.buyer("human_later", opens=texts.text(f"buyer.opens.{key}", **fields))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Tuesday noon: open, so the reply-time promise of the shop's routing file.
        (datetime(2026, 11, 24, 12, 0, tzinfo=SHOP), texts.buyer("human_soon", minutes=5)),
        # Tuesday 07:30: opens at 09:00 today.
        (datetime(2026, 11, 24, 7, 30, tzinfo=SHOP), _opens("today", time="09:00")),
        # Friday 22:30: Saturday opens at 10:00.
        (datetime(2026, 11, 27, 22, 30, tzinfo=SHOP), _opens("tomorrow", time="10:00")),
        # The eve of three holidays: the first working day after them.
        (datetime(2026, 9, 30, 23, 0, tzinfo=SHOP), _opens("date", month=10, day=4, time="10:00")),
    ],
)
def test_the_buyer_hears_who_answers_and_roughly_when(routing, now, expected) -> None:
    assert human_mode.notice(routing, now) == expected


def test_a_shop_without_hours_promises_the_reply_time() -> None:
    config = parse_routing({"human_mode": {"reply_within_minutes": 10}})
    assert human_mode.notice(config, datetime(2026, 11, 24, 3, 0, tzinfo=SHOP)) == texts.buyer(
        "human_soon", minutes=10
    )


def _draft(handoff_reason: str | None) -> RoutedDraft:
    meta = {"handoff": handoff_reason is not None, "handoff_reason": handoff_reason}
    return RoutedDraft(
        "我要转人工", "request_human", 0.9, ["好的"], meta, [], RouteDecision(False, "handoff")
    )


def test_only_a_request_for_a_person_is_answered_by_the_notice(routing) -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=SHOP)
    assert not human_mode.asks_for_human(_draft("tracking_stale"))
    assert not human_mode.asks_for_human(_draft(None))
    announced = human_mode.announce(_draft("request_human"), routing=routing, check_context=None, now=now)
    assert announced.replies == [human_mode.notice(routing, now)]
    assert (announced.auto_send, announced.decision.code, announced.violations) == (
        True,
        "human_requested",
        [],
    )


def test_the_quiet_time_counts_from_the_last_activity(routing) -> None:
    start = datetime(2026, 11, 24, 12, 0, tzinfo=SHOP)
    quiet = timedelta(minutes=routing.human_mode.quiet_minutes)
    assert routing.human_mode == HumanMode(quiet_minutes=30, reply_within_minutes=5)
    assert not human_mode.quiet_over(routing, start, start + quiet - timedelta(seconds=1))
    assert human_mode.quiet_over(routing, start, start + quiet)
    assert not human_mode.quiet_over(routing, None, start + 10 * quiet)  # no record: agents keep it


@pytest.mark.parametrize("bad", [0, -5, "30", 1.5, True])
def test_bad_human_mode_settings_name_the_key(bad) -> None:
    with pytest.raises(RoutingConfigError, match="human_mode.quiet_minutes"):
        parse_routing({"human_mode": {"quiet_minutes": bad}})
