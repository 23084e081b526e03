"""When the shop cannot be read, a pre-sale action still answers politely and hands off."""

from __future__ import annotations

import pytest

from actions.base import ShopAction
from actions.stock import ActionStock
from shop.db.errors import ShopUnavailable
from tests.trackers import make_tracker, run_action


async def test_unavailable_shop_gives_a_holding_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken():
        raise ShopUnavailable("database down")

    monkeypatch.setattr(ShopAction, "engine_factory", staticmethod(broken))
    run = await run_action(ActionStock(), make_tracker("ask_stock", entities={"product_code": "0201"}))
    assert run.responses == ["utter_agent_will_follow_up"]
    assert (run.rule, run.draft["handoff"], run.draft["handoff_reason"]) == (
        "fault",
        True,
        "shop_unavailable",
    )
    assert all("亲" in t or "您" in t for t in run.texts())
