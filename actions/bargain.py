"""Requests for a lower price (intent bargain): adapter around `shop.rules.bargain`.

The number of bargain requests so far is kept in the `bargain_count` slot,
which this action sets: the second request goes to an agent.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import SlotSet
from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from actions.presale_common import as_number
from shop.policy.config import load_policy
from shop.policy.vocabulary import load_vocabulary
from shop.rules.bargain import decide
from shop.rules.offers import pointable
from shop.store.promotions import promotions_for_buyer

COUNT_SLOT = "bargain_count"
TEMPLATES = {
    "bargain_point_to_promotions": "utter_bargain_promotions",
    "bargain_no_promotions": "utter_bargain_no_promotions",
    "bargain_insists": "utter_bargain_insists",
    "bargain_agent_negotiates": "utter_bargain_insists",
}


class ActionBargain(ShopAction):
    """Keeps the price, points to the buyer's promotions; a second ask goes to an agent."""

    def name(self) -> str:
        return "action_bargain"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        policy = load_policy().bargaining
        previous = int(as_number(ctx.slots.get(COUNT_SLOT)) or 0)
        promos = promotions_for_buyer(ctx.buyer, session=session)
        decision = decide(
            policy,
            previous_bargains=previous,
            applicable_ids=pointable(promos, policy.offer),
        )
        by_id = {p.id: p for p in promos}
        words: dict[str, Any] = {"promotions": load_vocabulary().join(by_id[i].text for i in decision.offers)}
        facts = {
            "bargain_count": previous + 1,
            "offers": list(decision.offers),
            "product_code": ctx.value("product_code"),
            "max_goodwill_coupon": policy.max_goodwill_coupon if decision.handoff else None,
        }
        return ActionDraft(
            [Reply(TEMPLATES[decision.rule], words)],
            rule=decision.rule,
            facts=facts,
            handoff=decision.handoff,
            handoff_reason=decision.handoff_reason,
            events=[SlotSet(COUNT_SLOT, previous + 1)],
        )
