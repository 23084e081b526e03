"""Human mode end to end through `bot.simulate --json` (issue 19 item 5): after asking for a
person, the buyer is told who answers and when, and nothing else goes out on its own."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from desk import human_mode
from desk.routing import load_routing
from paths import RESPONSES_DIR

pytestmark = pytest.mark.e2e


def test_after_asking_for_a_person_the_bot_answers_nothing_on_its_own(simulate):
    routing = load_routing(RESPONSES_DIR / "routing.yml")
    before = datetime.now(timezone.utc)
    records = simulate(["我要转人工", "你好", "大衣什么时候发货", "", "我要轉人工", "你好"])
    after = datetime.now(timezone.utc)
    # The run may cross an opening or closing time: either notice is right then.
    notices = [[human_mode.notice(routing, before)], [human_mode.notice(routing, after)]]
    ask, hello, coat, ask_traditional, hello_traditional = records
    for record in (ask, ask_traditional):
        assert record["intent"] == "request_human"
        assert record["replies"] in notices
        assert (record["auto_send"], record["handoff"]) == (True, True)
    for record in (hello, coat, hello_traditional):
        assert record["replies"], record  # still drafted, for the agent
        assert not record["auto_send"], record
