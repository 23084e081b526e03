"""Fabric and care questions (intent ask_fabric_care): adapter around `shop.rules.fabric_care`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from actions.presale_common import product_facts, product_in_question
from shop.policy.vocabulary import Vocabulary, load_vocabulary
from shop.rules.fabric_care import FabricAdvice, advise

TEMPLATES = {
    "fabric_ask_product": "utter_fabric_ask_product",
    "fabric_pilling_high": "utter_fabric_pilling_high",
    "fabric_pilling_some": "utter_fabric_pilling_some",
    "fabric_pilling_low": "utter_fabric_pilling_low",
    "fabric_fading_prone": "utter_fabric_fading_prone",
    "fabric_fading_low": "utter_fabric_fading_low",
    "fabric_shrinking_prone": "utter_fabric_shrinking_prone",
    "fabric_shrinking_low": "utter_fabric_shrinking_low",
    "fabric_material": "utter_fabric_material",
    "fabric_washing": "utter_fabric_washing",
    "fabric_overview": "utter_fabric_overview",
}


def reply_facts(advice: FabricAdvice, care: str, vocab: Vocabulary) -> dict[str, str]:
    """Every placeholder of the fabric templates, in words."""
    risks = [vocab.risk(r) for r in advice.risks] or [vocab.risk("none")]
    return {
        "composition": vocab.composition(advice.composition),
        "pilling_fibres": vocab.join(vocab.material(f) for f in advice.pilling_fibres),
        "shrink_fibres": vocab.join(vocab.material(f) for f in advice.shrinking_fibres),
        "fading_reasons": vocab.join(
            vocab.fading_reason(r, advice.dark_colors) for r in advice.fading_reasons
        ),
        "risks": vocab.join(risks, "clause_separator"),
        "care": care,
    }


class ActionFabricCare(ShopAction):
    """Answers one fabric concern, or gives an overview of the product's risks."""

    needs_buyer = False

    def name(self) -> str:
        return "action_fabric_care"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        product = product_in_question(ctx, session=session)
        # A concern named in an earlier turn is not this question's: entity only.
        concern = ctx.entity("concern")
        color = ctx.value("color")
        if product is None:
            advice = advise(known=False, concern=concern)
            facts: dict[str, Any] = {"product_code": None, "concern": advice.concern}
            return ActionDraft([Reply(TEMPLATES[advice.rule])], rule=advice.rule, facts=facts)
        vocab = load_vocabulary()
        colors = [color] if color in product.colors else list(product.colors)
        advice = advise(
            known=True,
            materials=product.materials,
            category=product.category,
            colors=colors,
            concern=concern,
            dark_colors=vocab.dark_colors,
        )
        facts = {
            "product_code": product.code,
            "concern": advice.concern,
            "materials": dict(advice.composition),
            "pilling_fibres": list(advice.pilling_fibres),
            "shrinking_fibres": list(advice.shrinking_fibres),
            "fading_reasons": list(advice.fading_reasons),
            "risks": list(advice.risks),
        }
        words = {**product_facts(product), **reply_facts(advice, product.care, vocab)}
        return ActionDraft([Reply(TEMPLATES[advice.rule], words)], rule=advice.rule, facts=facts)
