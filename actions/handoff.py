"""A person, please (request_human) and what the bot cannot answer (out_of_scope,
nlu_fallback): a polite reply and an agent takes over.

Except an elliptical follow-up: "那108呢", "M码呢", "黑色的呢" after a size,
stock, fabric or shipping question reads as a fallback to the NLU, but with a
product, size, colour or measurement in it and that question just before, it
is the same question again: the capability that answered it drafts the reply.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from actions.fabric import ActionFabricCare
from actions.shipping import ActionShippingFee
from actions.size import ActionSizeAdvice
from actions.stock import ActionStock
from shop.rules.sizing import MEASUREMENTS

# The questions a bare "...呢" can continue, and who answers them.
CONTINUABLE: dict[str, type[ShopAction]] = {
    "ask_size": ActionSizeAdvice,
    "ask_stock": ActionStock,
    "ask_fabric_care": ActionFabricCare,
    "ask_shipping_fee": ActionShippingFee,
}
# Entities that make a short message a follow-up rather than noise.
FOLLOW_UP_ENTITIES = ("product_code", "size", "color", *MEASUREMENTS)


class ActionHandoff(ShopAction):
    """The buyer asked for a person."""

    needs_buyer = False

    def name(self) -> str:
        return "action_handoff"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        return ActionDraft(
            [Reply("utter_handoff")],
            rule="request_human",
            handoff=True,
            handoff_reason="request_human",
        )


def continued_intent(ctx: Context) -> str | None:
    """The earlier question this message continues, or None when it is not a follow-up."""
    if ctx.previous_intent not in CONTINUABLE:
        return None
    if not any(ctx.entities.get(name) for name in FOLLOW_UP_ENTITIES):
        return None
    return ctx.previous_intent


class ActionFallback(ShopAction):
    """The bot did not understand or the question is not one it answers."""

    needs_buyer = False

    def name(self) -> str:
        return "action_fallback"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        intent = continued_intent(ctx)
        if intent is not None:
            draft = CONTINUABLE[intent]().draft(ctx, session=session)
            draft.facts["continued_intent"] = intent
            draft.rule = f"{draft.rule}_followup"
            return draft
        reason = "nlu_fallback" if ctx.intent == "nlu_fallback" else "out_of_scope"
        return ActionDraft(
            [Reply("utter_fallback")],
            rule=reason,
            facts={"intent": ctx.intent, "confidence": ctx.confidence},
            handoff=True,
            handoff_reason=reason,
        )
