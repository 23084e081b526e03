"""Greeting, complaint, invoice, handoff and fallback actions."""

from __future__ import annotations

import pytest

from actions.complaint import ActionComplain
from actions.greeting import ActionGreet
from actions.handoff import ActionFallback, ActionHandoff
from actions.invoice import ActionInvoice
from shop.policy.config import load_policy
from tests.actions.presale_fixtures import db_url, shop  # noqa: F401
from tests.trackers import make_tracker, run_action

pytestmark = pytest.mark.usefixtures("shop")
POLICY = load_policy()


async def test_greeting_is_the_policy_greeting() -> None:
    run = await run_action(ActionGreet(), make_tracker("greet", text="在吗"))
    assert all(t.startswith(POLICY.tone.greeting) for t in run.texts())
    assert not run.draft["handoff"]


async def test_complaint_apologises_and_hands_off() -> None:
    run = await run_action(ActionComplain(), make_tracker("complain", entities={"order_id": "5021873340003"}))
    assert (run.draft["handoff"], run.draft["handoff_reason"]) == (True, "complaint")
    assert run.facts["order_id"] == "5021873340003"
    assert all("抱歉" in t for t in run.texts())


async def test_invoice_from_policy() -> None:
    run = await run_action(ActionInvoice(), make_tracker("ask_invoice"))
    assert run.rule == "invoice_policy"
    assert all(
        "公司名称、个人姓名" in t and f"{POLICY.invoices.sent_within_days}天" in t for t in run.texts()
    )


async def test_handoff() -> None:
    run = await run_action(ActionHandoff(), make_tracker("request_human"))
    assert (run.rule, run.draft["handoff"], run.draft["handoff_reason"]) == (
        "request_human",
        True,
        "request_human",
    )
    run.texts()


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
async def test_fallback(intent: str) -> None:
    run = await run_action(ActionFallback(), make_tracker(intent, confidence=0.3))
    assert (run.rule, run.draft["handoff"], run.draft["handoff_reason"]) == (intent, True, intent)
    assert run.responses == ["utter_fallback"]
    run.texts()
