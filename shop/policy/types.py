"""Value types shared by the policy checker (`shop.policy`) and its rule modules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from shop.db.inputs import DEFAULT_ORDER_ID_LENGTHS
from shop.policy.textfold import TextView, digits, fold, join_digit_groups, normalise


class Promotion(NamedTuple):
    """A promotion a reply may mention: 满``threshold``减``amount``, or an
    ``amount``-yuan coupon when ``threshold`` is None."""

    threshold: float | None
    amount: float


@dataclass(frozen=True)
class Violation:
    """One policy breach in a reply.

    ``code`` is stable English for programs; ``reason`` is Chinese for the agent
    and says what to change; ``span`` is the offending text as written;
    ``start`` is its index in the checked text (for highlighting).
    """

    code: str
    reason: str
    span: str
    start: int = 0


@dataclass(frozen=True)
class CheckContext:
    """What the checker knows about the conversation it checks a reply for.

    ``allowed_promotions`` are the promotions of ``policy.bargaining.offer`` as
    they are configured in the shop (the checker reads no shop data itself);
    with none given, every 满X减Y in a reply is refused.

    Tracking numbers are upper case ("SF1000000009001"). ``known_tracking_numbers``
    holds every buyer's (it is shared between all contexts, so it is never copied
    per buyer); one that is not in ``own_tracking_numbers`` is another buyer's.
    A digit run of one of ``order_id_lengths`` is taken for an order id.
    """

    own_order_ids: frozenset[str] = frozenset()
    own_phone_last4: str | None = None
    known_foreign_phone_last4: frozenset[str] = frozenset()
    allowed_promotions: tuple[Promotion, ...] = ()
    own_tracking_numbers: frozenset[str] = frozenset()
    known_tracking_numbers: frozenset[str] = frozenset()
    # How many digits the shop's order ids have (``shop.store.orders.order_id_lengths``).
    order_id_lengths: frozenset[int] = DEFAULT_ORDER_ID_LENGTHS


@dataclass(frozen=True)
class Views:
    """The checked text and the two views the rules match against."""

    original: str
    norm: TextView
    folded: TextView

    @cached_property
    def digits(self) -> TextView:
        """The normalised view with spoken digits as digits, fillers between them gone."""
        return digits(self.norm)

    @cached_property
    def digit_list(self) -> TextView:
        """The digits view with commas between digits dropped ("138，0013，8000")."""
        return join_digit_groups(self.digits)

    @classmethod
    def of(cls, text: str) -> Views:
        norm = normalise(text)
        return cls(text, norm, fold(norm))

    def violation(self, view: TextView, start: int, end: int, code: str, reason: str) -> Violation:
        """A violation whose span is the original text behind ``view[start:end]``;
        "{span}" in ``reason`` is replaced by that text."""
        span = view.original_span(self.original, start, end)
        reason = reason.replace("{span}", span)
        return Violation(code=code, reason=reason, span=span, start=view.origin[start])
