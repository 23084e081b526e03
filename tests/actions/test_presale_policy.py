"""Every rendered pre-sale reply, for guests and linked buyers, passes the policy check,
and everything an action sends over HTTP is JSON."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from actions.bargain import ActionBargain
from actions.complaint import ActionComplain
from actions.fabric import ActionFabricCare
from actions.greeting import ActionGreet
from actions.handoff import ActionFallback, ActionHandoff
from actions.invoice import ActionInvoice
from actions.promotions import ActionPromotion
from actions.shipping import ActionShippingFee
from actions.size import ActionSizeAdvice
from actions.stock import ActionStock
from shop.policy import check_text
from shop.store.policy_context import context_for_buyer
from tests.actions.presale_fixtures import db_url, linked, shop  # noqa: F401
from tests.trackers import make_tracker, run_action

pytestmark = pytest.mark.usefixtures("shop")

CASES = [
    (ActionGreet, "greet", {}, {}),
    (ActionSizeAdvice, "ask_size", {"product_code": "0201", "height": 160, "weight": 62}, {}),
    (ActionSizeAdvice, "ask_size", {"product_code": "0255", "waist": 72, "hip": 94}, {}),
    (ActionSizeAdvice, "ask_size", {"product_code": "0201", "height": 185, "weight": 60}, {}),
    (ActionFabricCare, "ask_fabric_care", {"product_code": "8951"}, {}),
    (ActionFabricCare, "ask_fabric_care", {"product_code": "0363", "concern": "shrinking"}, {}),
    (ActionStock, "ask_stock", {"product_code": "0201", "color": "红色", "size": "L"}, {}),
    (ActionShippingFee, "ask_shipping_fee", {"product_code": "0363", "courier": "顺丰速运"}, {}),
    (ActionPromotion, "ask_promotion", {}, {}),
    (ActionBargain, "bargain", {}, {}),
    (ActionBargain, "bargain", {}, {"bargain_count": 1}),
    (ActionInvoice, "ask_invoice", {}, {}),
    (ActionComplain, "complain", {}, {}),
    (ActionHandoff, "request_human", {}, {}),
    (ActionFallback, "out_of_scope", {}, {}),
]


@pytest.mark.parametrize("account", [None, "tb_newbie", "tb_linlin"])
async def test_rendered_replies_pass_the_policy_check(linked, engine: Engine, account: str | None) -> None:  # noqa: F811
    user_id = linked(account) if account else "stranger"
    with Session(engine) as session:
        context = context_for_buyer(account, session=session)
    for cls, intent, entities, slots in CASES:
        run = await run_action(cls(), make_tracker(intent, entities=entities, slots=slots, user_id=user_id))
        json.dumps({"replies": run.replies, "draft": run.draft, "events": run.events})
        for n in range(len(run.replies)):
            for text in run.texts(n):
                violations = check_text(text, context=context)
                assert not violations, f"{cls.__name__}: {text} -> {violations}"
