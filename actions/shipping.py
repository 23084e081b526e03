"""Shipping fee questions (intent ask_shipping_fee): adapter around `shop.rules.shipping_fee`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from actions.presale_common import money, product_in_question
from shop.policy.config import load_policy
from shop.policy.vocabulary import load_vocabulary
from shop.rules.shipping_fee import mentioned_region, quote

TEMPLATES = {
    "shipping_free_product": "utter_shipping_free_product",
    "shipping_free_threshold": "utter_shipping_free_threshold",
    "shipping_standard_fee": "utter_shipping_standard_fee",
    "shipping_general": "utter_shipping_general",
    "shipping_remote_region": "utter_shipping_remote_region",
}
# A second message when the buyer asked for a courier other than the default.
COURIER_TEMPLATES = {
    "courier_on_request": "utter_shipping_courier_on_request",
    "courier_other": "utter_shipping_courier_other",
}


class ActionShippingFee(ShopAction):
    """Quotes the shipping fee for the product in question (or the general rule)."""

    needs_buyer = False

    def name(self) -> str:
        return "action_shipping_fee"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        policy = load_policy().shipping
        product = product_in_question(ctx, session=session)
        courier = ctx.entity("courier")
        result = quote(
            policy,
            free_shipping=product.free_shipping if product else None,
            amount=product.price if product else None,
            courier=str(courier) if courier else None,
            region=mentioned_region(ctx.text, policy.no_remote_regions),
        )
        vocab = load_vocabulary()
        words: dict[str, Any] = {
            "product": product.name if product else "",
            "product_code": product.code if product else "",
            "price": money(product.price) if product else "",
            "fee": money(result.fee),
            "threshold": money(result.threshold),
            "standard_fee": money(result.standard_fee),
            "courier": result.courier,
            "courier_requested": result.courier_requested or "",
            "couriers_on_request": vocab.join(policy.couriers_on_request),
            "surcharge": money(policy.sf_surcharge),
            "region": result.region or "",
            "dispatch_hours": policy.dispatch_within_hours,
            "transit_min": policy.transit_days[0],
            "transit_max": policy.transit_days[1],
        }
        replies = [Reply(TEMPLATES[result.rule], words)]
        if result.courier_rule is not None and not result.handoff:
            replies.append(Reply(COURIER_TEMPLATES[result.courier_rule], words))
        facts = {
            "product_code": product.code if product else None,
            "fee": result.fee,
            "amount": result.amount,
            "threshold": result.threshold,
            "courier": result.courier,
            "courier_rule": result.courier_rule,
            "courier_requested": result.courier_requested,
            "surcharge": result.surcharge,
            "region": result.region,
        }
        return ActionDraft(
            replies,
            rule=result.rule,
            facts=facts,
            handoff=result.handoff,
            handoff_reason="remote_region_fee" if result.handoff else None,
        )
