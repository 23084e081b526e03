"""The owner pages' period from the form's dates, and where the console finds the routing file (no browser)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from console.periods import MAX_DAYS, chosen_period
from console.settings import load_settings
from paths import RESPONSES_DIR

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai


def test_no_dates_mean_the_last_days_up_to_now():
    chosen = chosen_period({}, now=NOW, timezone="Asia/Shanghai", default_days=7)
    assert (chosen.first, chosen.last, chosen.error) == (date(2026, 11, 14), date(2026, 11, 20), None)
    assert chosen.period.end == NOW


def test_chosen_dates_are_whole_shop_days():
    chosen = chosen_period(
        {"from": "2026-11-01", "to": "2026-11-03"}, now=NOW, timezone="Asia/Shanghai", default_days=7
    )
    assert chosen.error is None
    assert chosen.period.start == datetime(2026, 10, 31, 16, 0, tzinfo=timezone.utc)
    assert chosen.period.end == datetime(2026, 11, 3, 16, 0, tzinfo=timezone.utc)


def test_a_period_too_long_is_refused_politely_with_the_default_shown():
    chosen = chosen_period(
        {"from": "2020-01-01", "to": "2026-11-01"}, now=NOW, timezone="Asia/Shanghai", default_days=7
    )
    assert chosen.error is not None and str(MAX_DAYS) in chosen.error
    assert chosen.first == date(2026, 11, 14)


def test_the_console_reads_the_routing_file_the_gateway_reads():
    assert load_settings({}).routing_file == RESPONSES_DIR / "routing.yml"
    assert load_settings({"ROUTING_FILE": "/srv/shop/routing.yml"}).routing_file == Path(
        "/srv/shop/routing.yml"
    )
    assert not hasattr(load_settings({}), "response_seconds")  # one rule: routing.yml response_minutes
