"""An order shipped in several parcels (拆单/分批发货), imported from the sample exports, asked about (SQLite and PostgreSQL).

qh_xiaolan's order 7300451200077 left in two parcels: YD6600000000077 (signed
for) and YD6600000000078 (on its way); 7300451200066's second parcel has no
scan yet. Her chat ("test", "xiaolan") is linked; qh_dawei's ("test", "dawei") too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.base import ShopAction
from actions.orders import ActionOrderStatus
from shop.imports import import_file
from shop.store.linking import ensure_verified_link
from shop.store.policy_context import context_for_buyer
from tests.render import render_messages
from tests.shop.imports.conftest import SAMPLES, import_samples

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # the second parcel's last scan was 12 hours ago
SPLIT = "7300451200077"
FIRST, SECOND = "YD6600000000077", "YD6600000000078"
FIRST_SCAN, SECOND_SCAN = "【上海市】已签收，签收人：本人", "【苏州市】已到达 苏州转运中心"


@pytest.fixture
def shop(engine, monkeypatch):
    with Session(engine) as session:  # each import commits
        import_samples(session)
        for name in ("orders_split_parcel.csv", "tracking_split_parcel.csv"):
            assert import_file(SAMPLES / name, session=session).problems == []
    with Session(engine) as session, session.begin():
        ensure_verified_link("test", "xiaolan", "qh_xiaolan", session=session, now=NOW)
        ensure_verified_link("test", "dawei", "qh_dawei", session=session, now=NOW)
    monkeypatch.setattr(ShopAction, "engine_factory", staticmethod(lambda: engine))
    monkeypatch.setattr(ShopAction, "clock", staticmethod(lambda: NOW))
    return engine


@dataclass
class Outcome:
    replies: list[list[str]]  # every variant of every reply, rendered
    responses: list[str]
    draft: dict[str, Any]
    events: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return "\n".join(t for variants in self.replies for t in variants)

    def every_variant_has(self, *needles: str) -> bool:
        return all(all(n in t for n in needles) for variants in self.replies for t in variants)

    def slot(self, name: str) -> Any:
        return [e for e in self.events if e.get("event") == "slot" and e.get("name") == name][-1]["value"]


async def _status(text: str, user_id: str = "xiaolan", **entities: str) -> Outcome:
    """ActionOrderStatus on ``text`` (intent ask_order_status) in ``user_id``'s chat, as the action server runs it."""
    latest = {
        "text": text,
        "intent": {"name": "ask_order_status", "confidence": 0.97},
        "entities": [{"entity": k, "value": v} for k, v in entities.items()],
        "metadata": {"channel": "test", "user_id": user_id},
    }
    slots = {
        "order_id": entities.get("order_id"),
        "product_code": None,
        "color": None,
        "pending_return": None,
    }
    tracker = Tracker(f"test-{user_id}", slots, latest, [], False, None, {}, None)
    dispatcher = CollectingDispatcher()
    events = await ActionOrderStatus().run(dispatcher, tracker, {})
    messages = dispatcher.messages
    (draft,) = [m["custom"]["draft"] for m in messages if (m.get("custom") or {}).get("draft")]
    json.dumps(draft)  # it travels as JSON to Rasa and the gateway
    responses = [m["response"] for m in messages if m.get("response")]
    return Outcome(render_messages(messages), responses, draft, list(events))


async def test_where_is_my_split_order_names_every_parcel_and_its_latest_scan(shop):
    out = await _status(f"我的订单{SPLIT}到哪了", order_id=SPLIT)
    assert (out.draft["rule"], out.draft["handoff"]) == ("order_parcels", False)
    assert out.responses == ["utter_order_parcels"]
    assert out.every_variant_has(FIRST, FIRST_SCAN, SECOND, SECOND_SCAN, "2个包裹")
    assert [p["tracking_no"] for p in out.draft["facts"]["parcels"]] == [FIRST, SECOND]
    assert out.slot("order_id") == SPLIT


async def test_a_parcel_not_scanned_for_days_is_said_so_and_goes_to_an_agent(shop):
    out = await _status("7300451200066到哪了", order_id="7300451200066")
    summary, note = out.replies
    assert all("YD6600000000066" in text and "【杭州市】已到达 杭州转运中心" in text for text in summary)
    assert all("YD6600000000067" in text and "还没有物流扫描信息" in text for text in summary)
    # Both parcels went quiet days ago (one was never scanned): an agent chases them, one task.
    assert all("YD6600000000066" in text and "YD6600000000067" in text and "抱歉" in text for text in note)
    draft = out.draft
    assert (draft["rule"], draft["handoff_reason"]) == ("order_parcels_with_stale", "tracking_stale")
    assert draft["follow_ups"] == [{"order_id": "7300451200066", "reason": "tracking_stale"}]


async def test_a_pasted_waybill_answers_about_that_parcel_only(shop):
    out = await _status(f"{SECOND}到哪了", tracking_number=SECOND)
    assert out.draft["rule"] == "order_shipped"
    assert out.every_variant_has(SECOND, SECOND_SCAN) and FIRST not in out.text
    assert out.slot("order_id") == SPLIT


async def test_another_buyer_asking_about_the_order_or_its_parcel_gets_not_found(shop):
    for entities in ({"order_id": SPLIT}, {"tracking_number": SECOND}):
        out = await _status(f"{next(iter(entities.values()))}到哪了", user_id="dawei", **entities)
        assert out.draft["rule"] == "order_not_found" and out.draft["facts"] == {}
        assert FIRST not in out.text and SECOND not in out.text


def test_the_policy_check_knows_every_parcel_of_hers(shop):
    with Session(shop) as session:
        context = context_for_buyer("qh_xiaolan", session=session)
    assert {FIRST, SECOND, "YD6600000000066", "YD6600000000067"} <= context.own_tracking_numbers
