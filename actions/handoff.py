"""A person, please (request_human) and what the bot cannot answer (out_of_scope,
nlu_fallback): a polite reply and an agent takes over."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import Context, Draft, Reply, ShopAction


class ActionHandoff(ShopAction):
    """The buyer asked for a person."""

    needs_buyer = False

    def name(self) -> str:
        return "action_handoff"

    def draft(self, ctx: Context, *, session: Session) -> Draft:
        return Draft(
            [Reply("utter_handoff")],
            rule="request_human",
            handoff=True,
            handoff_reason="request_human",
        )


class ActionFallback(ShopAction):
    """The bot did not understand or the question is not one it answers."""

    needs_buyer = False

    def name(self) -> str:
        return "action_fallback"

    def draft(self, ctx: Context, *, session: Session) -> Draft:
        reason = "nlu_fallback" if ctx.intent == "nlu_fallback" else "out_of_scope"
        return Draft(
            [Reply("utter_fallback")],
            rule=reason,
            facts={"intent": ctx.intent, "confidence": ctx.confidence},
            handoff=True,
            handoff_reason=reason,
        )
