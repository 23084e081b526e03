"""Answers to questions about the shop's rules, for anyone: no order, no linking needed.

No actions here (rasa-sdk imports this module and finds none to register):
``action_return`` and ``action_order_status`` call these when
``shop.rules.policy_questions`` reads the message as a question about the rules
rather than a request about one of the buyer's orders. Every fact comes from
responses/policy.yml and the product's own flags.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply
from actions.presale_common import product_facts, product_in_question
from shop.policy.config import load_policy
from shop.policy.vocabulary import load_vocabulary
from shop.rules.policy_questions import RETURN_POSTAGE, RETURNS
from shop.store.catalogue import list_products

# Who pays the postage of a no-reason return (policy.returns.no_reason_return_shipping_paid_by).
POSTAGE_TEMPLATES = {
    "buyer": "utter_policy_return_postage_buyer",
    "seller": "utter_policy_return_postage_seller",
}


def return_policy_draft(ctx: Context, topics: tuple[str, ...], *, session: Session) -> ActionDraft:
    """The 7-day rule (for the product asked about, or with the excluded products) and/or the postage."""
    rules = load_policy().returns
    words: dict[str, Any] = {
        "no_reason_days": rules.no_reason_days,
        "quality_days": rules.quality_issue_days,
        "condition": rules.condition,
        "insurance_payout_days": rules.insurance_payout_days,
    }
    facts: dict[str, Any] = {"topics": list(topics), "policy_question": True}
    replies: list[Reply] = []
    rule = "policy_" + "_".join(topics)
    if RETURNS in topics:
        product = product_in_question(ctx, session=session)
        if product is not None:
            words |= product_facts(product)
            facts |= {"product_code": product.code, "no_reason_return": product.no_reason_return}
            ok = product.no_reason_return
            replies.append(Reply(f"utter_policy_returns_product_{'ok' if ok else 'excluded'}", words))
        else:
            excluded = [p.name for p in list_products(no_reason_return=False, session=session)]
            facts["excluded_products"] = excluded
            words["excluded_products"] = load_vocabulary().join(excluded)
            replies.append(
                Reply("utter_policy_returns_with_exclusions" if excluded else "utter_policy_returns", words)
            )
    if RETURN_POSTAGE in topics:
        payer = rules.no_reason_return_shipping_paid_by
        facts["postage_payer"] = payer
        template = POSTAGE_TEMPLATES.get(payer)
        if template is None:  # a policy this wording does not cover: a person answers
            return ActionDraft(
                [Reply("utter_agent_will_follow_up")],
                rule="policy_return_postage_unknown",
                facts=facts,
                handoff=True,
                handoff_reason="policy_terms",
            )
        replies.append(Reply(template, words))
    return ActionDraft(replies, rule=rule, facts=facts)


def dispatch_policy_draft() -> ActionDraft:
    """How soon an order is shipped and how long it usually travels (never a date)."""
    shipping = load_policy().shipping
    words = {
        "dispatch_hours": shipping.dispatch_within_hours,
        "courier": shipping.default_courier,
        "transit_min": shipping.transit_days[0],
        "transit_max": shipping.transit_days[1],
    }
    facts = {"policy_question": True, "dispatch_hours": shipping.dispatch_within_hours}
    return ActionDraft([Reply("utter_policy_dispatch", words)], rule="policy_dispatch", facts=facts)
