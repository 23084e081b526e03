"""Stock questions (intent ask_stock): adapter around `shop.rules.availability`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from actions.presale_common import product_facts, product_in_question, size_of
from shop.policy.vocabulary import Vocabulary, load_vocabulary
from shop.rules.availability import StockAnswer, answer
from shop.store.catalogue import stock_levels

TEMPLATES = {
    "stock_ask_product": "utter_stock_ask_product",
    "stock_available": "utter_stock_available",
    "stock_low": "utter_stock_low",
    "stock_restock": "utter_stock_restock",
    "stock_sold_out": "utter_stock_sold_out",
    "stock_color": "utter_stock_color",
    "stock_color_sold_out": "utter_stock_color_sold_out",
    "stock_size": "utter_stock_size",
    "stock_size_sold_out": "utter_stock_size_sold_out",
    "stock_overview": "utter_stock_overview",
    "stock_unknown_color": "utter_stock_unknown_color",
    "stock_unknown_size": "utter_stock_unknown_size",
}
# Sent after a sold-out answer when the same size is in stock in other colours.
OTHER_COLORS = "utter_stock_other_colors"


def reply_facts(result: StockAnswer, vocab: Vocabulary) -> dict[str, Any]:
    """Every placeholder of the stock templates, in words."""
    alt = vocab.raw["pieces"]["alternative_separator"]
    summary = vocab.join(
        vocab.piece("color_sizes", color=color, sizes=alt.join(sizes))
        if sizes
        else color + vocab.piece("nothing_in_stock")
        for color, sizes in result.in_stock
    )
    mine = result.in_stock[0][1] if result.rule in {"stock_color"} else ()
    return {
        "color": result.color or "",
        "size": result.size or "",
        "quantity": result.quantity if result.quantity is not None else 0,
        "restock_days": result.restock_days if result.restock_days is not None else "",
        "sizes": alt.join(mine) if mine else vocab.join(result.sizes),
        "colors": vocab.join(c for c, _ in result.in_stock) or vocab.join(result.colors),
        "other_colors": vocab.join(c for c, _ in result.in_stock),
        "summary": summary,
    }


class ActionStock(ShopAction):
    """Says what is in stock for the colour/size asked, with restock and alternatives."""

    needs_buyer = False

    def name(self) -> str:
        return "action_stock"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        product = product_in_question(ctx, session=session)
        if product is None:
            result = answer(known=False)
            facts: dict[str, Any] = {"product_code": None}
            return ActionDraft([Reply(TEMPLATES[result.rule])], rule=result.rule, facts=facts)
        color = ctx.value("color")
        result = answer(
            known=True,
            levels=stock_levels(product.code, session=session),
            colors=list(product.colors),
            sizes=[row.size for row in product.size_chart],
            color=str(color) if color else None,
            size=size_of(product, ctx.value("size")),
        )
        facts = {
            "product_code": product.code,
            "color": result.color,
            "size": result.size,
            "quantity": result.quantity,
            "restock_days": result.restock_days,
            "in_stock": {c: list(s) for c, s in result.in_stock},
        }
        words = {**product_facts(product), **reply_facts(result, load_vocabulary())}
        replies = [Reply(TEMPLATES[result.rule], words)]
        if result.rule in {"stock_restock", "stock_sold_out"} and result.in_stock:
            replies.append(Reply(OTHER_COLORS, words))
        return ActionDraft(replies, rule=result.rule, facts=facts)
