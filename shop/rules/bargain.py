"""Answering a request for a lower price.

The bot never lowers a price and never offers a goodwill coupon: it points to
the promotions the policy lets a reply mention that apply to this buyer. A
buyer who asks again goes to an agent, who alone may offer the policy's small
goodwill coupon. Pure: counts and promotion ids in, a decision out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shop.policy.config import BargainingPolicy


@dataclass(frozen=True)
class BargainDecision:
    """The decision; the agent learns the goodwill limit from `handoff_reason`."""

    rule: str
    offers: tuple[str, ...] = ()  # promotion ids the reply points to
    handoff: bool = False
    handoff_reason: str | None = None


def decide(
    policy: BargainingPolicy, *, previous_bargains: int, applicable_ids: Sequence[str]
) -> BargainDecision:
    """`previous_bargains` = bargain requests earlier in this conversation."""
    offers = tuple(i for i in policy.offer if i in applicable_ids)
    if policy.negotiate_price:
        # A shop that negotiates leaves it to a person, never to the bot.
        return BargainDecision(
            rule="bargain_agent_negotiates",
            offers=offers,
            handoff=True,
            handoff_reason="bargain_negotiable",
        )
    if previous_bargains >= 1:
        return BargainDecision(
            rule="bargain_insists", offers=offers, handoff=True, handoff_reason="bargain_insists"
        )
    if offers:
        return BargainDecision(rule="bargain_point_to_promotions", offers=offers)
    return BargainDecision(rule="bargain_no_promotions")
