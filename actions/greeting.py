"""Greeting (intent greet): the policy's greeting and an offer to help."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from shop.policy.config import load_policy


class ActionGreet(ShopAction):
    """Greets with `policy.tone.greeting`."""

    needs_buyer = False

    def name(self) -> str:
        return "action_greet"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        greeting = load_policy().tone.greeting
        return ActionDraft([Reply("utter_greet", {"greeting": greeting})], rule="greet")
