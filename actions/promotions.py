"""Promotion questions (intent ask_promotion): the offers that apply to this buyer."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from shop.policy.config import load_policy
from shop.policy.vocabulary import load_vocabulary
from shop.rules.offers import answer, buyer_kind
from shop.store.promotions import is_newcomer, promotions_for_buyer


class ActionPromotion(ShopAction):
    """Lists this buyer's promotions and the coupon rules of the policy."""

    def name(self) -> str:
        return "action_promotion"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        policy = load_policy().promotions
        vocab = load_vocabulary()
        promos = promotions_for_buyer(ctx.buyer, session=session)
        newcomer = ctx.buyer is not None and is_newcomer(ctx.buyer, session=session)
        result = answer(promos, kind=buyer_kind(ctx.buyer, newcomer=newcomer))
        by_id = {p.id: p for p in promos}
        words: dict[str, Any] = {
            "promotions": vocab.join(by_id[i].text for i in result.promotions),
            "newcomer_offers": vocab.join(by_id[i].text for i in result.newcomer_note),
            "coupons_per_order": policy.coupons_per_order,
            "coupon_applied_at": vocab.coupon_applied_at(policy.coupon_applied_at),
            "price_protection_days": policy.sale_price_protection_days,
        }
        if result.rule == "promotion_none":
            replies = [Reply("utter_promotion_none", words)]
        else:
            replies = [Reply("utter_promotion_list", words)]
            if result.newcomer_note:
                replies.append(Reply("utter_promotion_newcomer_note", words))
        facts = {
            "buyer_kind": result.kind,
            "promotions": list(result.promotions),
            "newcomer_note": list(result.newcomer_note),
            "coupons_per_order": policy.coupons_per_order,
            "price_protection_days": policy.sale_price_protection_days,
        }
        return ActionDraft(replies, rule=result.rule, facts=facts)
