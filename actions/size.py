"""Size advice (intent ask_size): adapter around `shop.rules.sizing`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from actions.presale_common import as_number, product_facts, product_in_question
from shop.models import Product
from shop.policy.vocabulary import Vocabulary, load_vocabulary
from shop.rules.availability import SizeStock, stock_of_size
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
# Advice that names sizes to buy: each advised size's stock follows it.
ADVISED = frozenset({"size_fit_all", "size_fit_several", "size_between"})
STOCK_TEMPLATES = {
    "size_stock_available": "utter_size_stock_available",
    "size_stock_low": "utter_size_stock_low",
    "size_stock_restock": "utter_size_stock_restock",
    "size_stock_sold_out": "utter_size_stock_sold_out",
    "size_stock_colors": "utter_size_stock_colors",
    "size_stock_none": "utter_size_stock_none",
}
# After "this colour is out": the same size in the colours that have it.
STOCK_OTHERS = "utter_size_stock_others"


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


def advised_stock(product: Product, advice: SizeAdvice, color: Any) -> list[SizeStock]:
    """Stock of every advised size, in the asked colour (or which colours have it)."""
    if advice.rule not in ADVISED:
        return []
    sizes = [advice.size] if advice.size else list(advice.candidates)
    found = (
        stock_of_size(product.stock, product.colors, size, str(color) if color else None) for size in sizes
    )
    return [stock for stock in found if stock is not None]


def stock_reply(stock: SizeStock, base: dict[str, Any], vocab: Vocabulary) -> list[Reply]:
    words = {
        **base,
        "size": stock.size,
        "color": stock.color or "",
        "quantity": stock.quantity,
        "restock_days": stock.restock_days if stock.restock_days is not None else "",
        "others": vocab.join(vocab.piece("color_quantity", color=c, quantity=q) for c, q in stock.others),
    }
    replies = [Reply(STOCK_TEMPLATES[stock.rule], words)]
    if stock.rule in {"size_stock_restock", "size_stock_sold_out"} and stock.others:
        replies.append(Reply(STOCK_OTHERS, words))
    return replies


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
        replies = [Reply(RESULT_TEMPLATES[advice.rule], words)]
        stocks = advised_stock(product, advice, ctx.value("color"))
        for stock in stocks:
            replies.extend(stock_reply(stock, base, vocab))
        facts["stock"] = [
            {
                "size": s.size,
                "color": s.color,
                "rule": s.rule,
                "quantity": s.quantity,
                "restock_days": s.restock_days,
                "others": dict(s.others),
            }
            for s in stocks
        ]
        return ActionDraft(
            replies,
            rule=advice.rule,
            facts=facts,
            handoff=advice.handoff,
            handoff_reason=advice.rule if advice.handoff else None,
        )
