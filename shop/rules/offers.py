"""How to present the promotions that apply to a buyer.

Which promotions apply is the data layer's (`shop.store.promotions.promotions_for_buyer`:
newcomer offers for guests and buyers without orders). This module decides
what the reply says about them: the list, a note that a newcomer offer needs
a first order (for a guest, whom we cannot check), and which of them a reply
about price may point to (`policy.bargaining.offer`). Pure.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

BUYER_KINDS = ("guest", "newcomer", "returning")


class PromotionLike(Protocol):
    """What the decision needs of a promotion (shop.models.Promotion fits)."""

    id: str
    text: str
    newcomer_only: bool


@dataclass(frozen=True)
class Promo:
    """A plain promotion, for tests."""

    id: str
    text: str
    newcomer_only: bool = False


@dataclass(frozen=True)
class PromotionAnswer:
    """The decision: rule, the promotions named and the newcomer-only ones to note."""

    rule: str
    kind: str
    promotions: tuple[str, ...] = ()  # ids, in shop order
    newcomer_note: tuple[str, ...] = ()  # ids that need a first order (guest only)


def buyer_kind(buyer: str | None, *, newcomer: bool) -> str:
    """'guest' (no verified account), 'newcomer' (never ordered) or 'returning'."""
    if buyer is None:
        return "guest"
    return "newcomer" if newcomer else "returning"


def answer(promotions: Sequence[PromotionLike], *, kind: str) -> PromotionAnswer:
    """What to say about `promotions` (already filtered for this buyer)."""
    if kind not in BUYER_KINDS:
        raise ValueError(f"unknown buyer kind {kind!r}")
    ids = tuple(p.id for p in promotions)
    if not ids:
        return PromotionAnswer(rule="promotion_none", kind=kind)
    # A guest may or may not be new: name the offer, and say it is for a first order.
    note = tuple(p.id for p in promotions if p.newcomer_only) if kind == "guest" else ()
    return PromotionAnswer(rule=f"promotion_{kind}", kind=kind, promotions=ids, newcomer_note=note)


def pointable(promotions: Sequence[PromotionLike], allowed: Collection[str]) -> list[str]:
    """Ids of the buyer's promotions that a price reply may point to, in shop order."""
    return [p.id for p in promotions if p.id in allowed]
