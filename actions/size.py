"""Size advice (intent ask_size): adapter around `shop.rules.sizing`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from actions.presale_common import as_number, product_facts, product_in_question
from shop.policy.vocabulary import Vocabulary, load_vocabulary
from shop.rules.sizing import MEASUREMENTS, SizeAdvice, advise

ASK_TEMPLATES = {
    "product": "utter_size_ask_product",
    "height": "utter_size_ask_height",
    "weight": "utter_size_ask_weight",
    "waist": "utter_size_ask_waist",
    "hip": "utter_size_ask_hip",
    "bust": "utter_size_ask_bust",
}
RESULT_TEMPLATES = {
    "size_fit_all": "utter_size_fit",
    "size_fit_several": "utter_size_fit_several",
    "size_between": "utter_size_between",
    "size_spread": "utter_size_spread",
    "size_outside_chart": "utter_size_outside_chart",
    "size_no_chart": "utter_size_no_chart",
}


def reply_facts(advice: SizeAdvice, vocab: Vocabulary) -> dict[str, str]:
    """The placeholders of the result templates, in words."""
    alt = vocab.raw["pieces"]["alternative_separator"]
    size_text = ""
    if advice.size is not None:
        size_text = vocab.piece(
            "size_with_label" if advice.label else "size_only",
            size=advice.size,
            label=advice.label or "",
        )
    small, large = (advice.candidates + ("", ""))[:2]
    return {
        "measurements": vocab.join(vocab.measurement(m, v) for m, v in advice.used),
        "by_measure": vocab.join(
            vocab.piece("by_measure", measure=vocab.measure(m), sizes=alt.join(sizes))
            for m, sizes in advice.by_measure
        ),
        "outside_measures": vocab.join(vocab.measure(m) for m, _ in advice.outside),
        "size": advice.size or "",
        "size_text": size_text,
        "size_small": small,
        "size_large": large,
    }


class ActionSizeAdvice(ShopAction):
    """Advises a size for the product in question, asking one thing at a time."""

    needs_buyer = False

    def name(self) -> str:
        return "action_size_advice"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        product = product_in_question(ctx, session=session)
        given = {m: as_number(ctx.value(m)) for m in MEASUREMENTS}
        advice = advise(list(product.size_chart) if product else None, given)
        facts: dict[str, Any] = {
            "product_code": product.code if product else None,
            "measurements": {m: v for m, v in given.items() if v is not None},
            "missing": advice.missing,
            "size": advice.size,
            "candidates": list(advice.candidates),
            "outside": dict(advice.outside),
        }
        if advice.missing == "product":
            return ActionDraft([Reply(ASK_TEMPLATES["product"])], rule=advice.rule, facts=facts)
        assert product is not None  # advise() asks for the product when it is None
        vocab = load_vocabulary()
        base = product_facts(product)
        if advice.missing is not None:
            template = ASK_TEMPLATES.get(advice.missing, "utter_size_ask_measure")
            words = {**base, "measure": vocab.measure(advice.missing)}
            return ActionDraft([Reply(template, words)], rule=advice.rule, facts=facts)
        words = {**base, **reply_facts(advice, vocab)}
        return ActionDraft(
            [Reply(RESULT_TEMPLATES[advice.rule], words)],
            rule=advice.rule,
            facts=facts,
            handoff=advice.handoff,
            handoff_reason=advice.rule if advice.handoff else None,
        )
