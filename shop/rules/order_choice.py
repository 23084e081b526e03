"""Which of a buyer's orders a message is about.

Order of evidence: an order number (or a waybill number) in this message; the product (code, colour
or name) mentioned in this message; the order remembered from an earlier turn;
the product remembered from an earlier turn; the only order in the statuses the
question is about (open ones for "where is my parcel", delivered ones for a
return); otherwise we ask, listing a few recent orders by product name.

"Where is my parcel" (:func:`choose_parcel`) looks at the parcels on the way
first: one shipped order is the answer, several are all answered at once
(kind ``several``); with none on the way it falls back to the open orders.

A number in the message is looked up among the buyer's own orders and parcels
both ways: a digit run may be an order id or a courier's digit-only waybill
(their lengths overlap), and the NLU can only guess from its length.

An order number that is not among the buyer's orders gets the same answer as
one that does not exist at all, so nobody learns whether someone else's order
exists. The caller passes only this buyer's orders, most recent first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from shop.rules.order_view import OPEN_STATUSES, OrderView

# Statuses in which a parcel is with the courier.
IN_TRANSIT = frozenset({"shipped"})

# Two characters are the shortest product-name fragment a buyer uses on its
# own (大衣, 毛衣, 内衣); a single character matches far too much.
MIN_NAME_FRAGMENT = 2
MAX_LISTED = 3

CHOSEN = "chosen"
ASK = "ask"
NOT_FOUND = "not_found"
NO_ORDERS = "no_orders"
SEVERAL = "several"  # several parcels on the way: the reply covers each of them


@dataclass(frozen=True)
class OrderHints:
    """What the conversation says about the order."""

    text: str = ""
    order_id: str | None = None  # named in this message
    product_code: str | None = None  # named in this message
    color: str | None = None  # named in this message
    remembered_order_id: str | None = None  # from an earlier turn (slot)
    remembered_product_code: str | None = None  # from an earlier turn (slot)
    tracking_number: str | None = None  # a waybill number named in this message


@dataclass(frozen=True)
class OrderChoice:
    """The outcome: ``kind`` is chosen, ask, several, not_found or no_orders."""

    kind: str
    order: OrderView | None = None
    candidates: tuple[OrderView, ...] = ()
    how: str | None = None  # how the order was chosen (for the draft's facts)


def _common_run(a: str, b: str) -> int:
    """Length of the longest common substring (names and messages are short)."""
    best = 0
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        for j, other in enumerate(b, start=1):
            if ch == other:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def _by_name(orders: Sequence[OrderView], text: str) -> list[OrderView]:
    """Orders whose product name shares the longest fragment with the message."""
    if not text:
        return []
    scores = [
        max((_common_run(item.product_name, text) for item in order.items), default=0) for order in orders
    ]
    best = max(scores, default=0)
    if best < MIN_NAME_FRAGMENT:
        return []
    return [order for order, score in zip(orders, scores, strict=True) if score == best]


def _by_product(
    orders: Sequence[OrderView], *, code: str | None, color: str | None, text: str
) -> list[OrderView]:
    """Orders matching the product mentioned; code and colour narrow each other."""
    by_code = [o for o in orders if code and any(i.product_code == code for i in o.items)]
    by_color = [
        o
        for o in orders
        if any(i.color and ((color and i.color == color) or i.color in text) for i in o.items)
    ]
    if by_code and by_color:
        both = [o for o in by_code if o in by_color]
        if both:
            return both
    if by_code:
        return by_code
    by_name = _by_name(orders, text)
    if by_name and by_color:
        both = [o for o in by_name if o in by_color]
        if both:
            return both
    return by_name or by_color


def _settle(matches: Sequence[OrderView], prefer: frozenset[str], how: str) -> OrderChoice | None:
    """One match is the answer; several are narrowed by status, else we ask."""
    if not matches:
        return None
    if len(matches) == 1:
        return OrderChoice(CHOSEN, order=matches[0], how=how)
    preferred = [o for o in matches if o.status in prefer]
    if len(preferred) == 1:
        return OrderChoice(CHOSEN, order=preferred[0], how=how)
    listed = _listed(preferred or matches)
    return OrderChoice(ASK, candidates=listed, how=how)


def _listed(orders: Iterable[OrderView]) -> tuple[OrderView, ...]:
    return tuple(orders)[:MAX_LISTED]


def normalize_order_id(value: object) -> str | None:
    """The order number as text without spaces, or None when not given."""
    if value is None:
        return None
    text = str(value).strip().replace(" ", "")
    return text or None


def _by_number(orders: Sequence[OrderView], number: str) -> OrderChoice | None:
    """Her order with this id, else her order whose parcel has this waybill number."""
    for order in orders:
        if order.order_id == number:
            return OrderChoice(CHOSEN, order=order, how="order_id")
    for order in orders:
        parcel = order.parcel_with(number)
        if parcel is not None:
            # An order shipped in several parcels: the answer is about the one she named.
            chosen = order.about_parcel(parcel) if order.split else order
            return OrderChoice(CHOSEN, order=chosen, how="tracking_number")
    return None


def choose_order(
    orders: Sequence[OrderView],
    hints: OrderHints,
    *,
    prefer: frozenset[str] = OPEN_STATUSES,
) -> OrderChoice:
    """Picks the order a message is about; ``orders`` are the buyer's, most recent first."""
    number = normalize_order_id(hints.order_id) or normalize_order_id(hints.tracking_number)
    if number is not None:
        # Only her own orders and parcels can match: not hers and non-existent look
        # identical from here on (privacy).
        found = _by_number(orders, number)
        return found or OrderChoice(NOT_FOUND)
    if not orders:
        return OrderChoice(NO_ORDERS)

    mentioned = _by_product(orders, code=hints.product_code, color=hints.color, text=hints.text or "")
    settled = _settle(mentioned, prefer, "product")
    if settled is not None:
        return settled

    remembered = normalize_order_id(hints.remembered_order_id)
    for order in orders:
        if order.order_id == remembered:
            return OrderChoice(CHOSEN, order=order, how="remembered_order")

    if hints.remembered_product_code:
        # A product from earlier in the chat (perhaps only browsed) is weak
        # evidence: it decides only among orders this question is about.
        earlier = _by_product(orders, code=hints.remembered_product_code, color=None, text="")
        earlier = [o for o in earlier if o.status in prefer]
        if len(earlier) == 1:
            return OrderChoice(CHOSEN, order=earlier[0], how="remembered_product")

    preferred = [o for o in orders if o.status in prefer]
    if len(preferred) == 1:
        return OrderChoice(CHOSEN, order=preferred[0], how="only_matching_status")
    if len(orders) == 1:
        return OrderChoice(CHOSEN, order=orders[0], how="only_order")
    return OrderChoice(ASK, candidates=_listed(preferred or orders))


def choose_parcel(orders: Sequence[OrderView], hints: OrderHints) -> OrderChoice:
    """Picks the order(s) a "where is my parcel" question is about.

    The same evidence as :func:`choose_order`, but the parcels on the way come
    first; when several remain after the evidence, all of them are answered
    (``several``, at most ``MAX_LISTED``). With none on the way among them the
    question is read as one about the open orders (a paid order not sent yet).
    """
    choice = choose_order(orders, hints, prefer=IN_TRANSIT)
    if choice.kind != ASK:
        return choice
    in_transit = [order for order in choice.candidates if order.status in IN_TRANSIT]
    moving = one_per_parcel(in_transit)
    if len(moving) == 1 and len(in_transit) > 1:
        # Several orders, one parcel (合并发货): that parcel is the answer.
        return OrderChoice(CHOSEN, order=moving[0], how=choice.how or "in_transit")
    if len(moving) > 1:
        return OrderChoice(SEVERAL, candidates=moving[:MAX_LISTED], how=choice.how or "in_transit")
    return choose_order(orders, hints, prefer=OPEN_STATUSES)


def _per_parcel(order: OrderView) -> tuple[OrderView, ...]:
    if not order.split:
        return (order,)
    return tuple(order.about_parcel(parcel) for parcel in order.parcels)


def one_per_parcel(orders: Iterable[OrderView]) -> tuple[OrderView, ...]:
    """One view per parcel: orders sharing a waybill (合并发货) folded into the first of them.

    The folded view keeps the first order's id and parcel and lists every
    order's items, so a reply names the parcel once with all that is in it.
    An order shipped in several parcels (拆单) gives one view per parcel.
    """
    folded: dict[str, OrderView] = {}
    out: list[OrderView] = []
    for order in (view for each in orders for view in _per_parcel(each)):
        key = (order.tracking_no or "").upper()
        first = folded.get(key) if key else None
        if first is None:
            if key:
                folded[key] = order
            out.append(order)
            continue
        merged = replace(first, items=first.items + order.items)
        folded[key] = merged
        out[out.index(first)] = merged
    return tuple(out)
