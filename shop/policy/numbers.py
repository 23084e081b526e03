"""What a number in a reply is, and whether it is another buyer's.

The buyer's own order ids, tracking numbers and phone tail may be quoted to
them; another buyer's may not (``other_buyer_data``):

* a tracking number is letters + digits or a long digit run
  ("SF1000000009001", "75300000000031"). One in ``own_tracking_numbers`` is
  fine; one in ``known_tracking_numbers`` and not the buyer's is another
  buyer's. An unknown one is left alone: it may be the buyer's own return
  parcel, which the shop has not seen yet.
* an order id is a digit run standing alone, not glued to letters ("SF" +
  13 digits is a tracking number), as long as the shop's order ids
  (``order_id_lengths``: the demo's 13, a Taobao shop's 18-19). One not in
  ``own_order_ids`` and not the buyer's own parcel is another buyer's (a guest
  owns none). An unknown one is blocked too: the checker cannot tell it from
  another buyer's order the shop has not imported yet.
* a phone tail of another buyer counts only as a standalone 4-digit group
  with a phone word (手机, 电话, 尾号, 号码, 后四位) within 8 characters, so a
  size or a year with the same digits does not.

Digits are read on the ``digits`` view too, so "5021 8733 4900 1" and
"SF 1000 0000 9001" are the same numbers as written without spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from shop.policy.config import ShopPolicy
from shop.policy.textfold import TextView
from shop.policy.types import CheckContext, Views, Violation

CODE = "other_buyer_data"

_PHONE_WORDS = re.compile(r"手机|电话|尾号|号码|后四位|后4位")
_PHONE_WINDOW = 8
_MAX_PREFIX = 4  # courier prefixes: SF, YT, JT, JDV, DPK ...


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        "tracking": re.compile(r"(?<![\d])(?P<letters>[a-z]*)(?P<digits>\d{8,30})(?!\d)"),
        # Any length here; only those of the shop's order ids count (``order_id_lengths``).
        "order_id": re.compile(r"(?<![\da-z])\d+(?!\d)"),
        "four_digits": re.compile(r"(?<!\d)\d{4}(?!\d)"),
    }


def _distinct(norm: TextView, digits: TextView) -> tuple[TextView, ...]:
    """Both views, or one when the digits view changed nothing."""
    return (norm,) if digits.text == norm.text else (norm, digits)


def _tracking_owner(m: re.Match[str], context: CheckContext) -> str | None:
    """'own', 'foreign' or None (not a tracking number the shop knows)."""
    letters, digits = m["letters"][-_MAX_PREFIX:], m["digits"]
    candidates = [(letters[k:] + digits).upper() for k in range(len(letters) + 1)]
    if any(c in context.own_tracking_numbers for c in candidates):
        return "own"
    if any(c in context.known_tracking_numbers for c in candidates):
        return "foreign"
    return None


def _tracking(views: Views, context: CheckContext) -> Iterator[tuple[TextView, int, int, str | None]]:
    """(view, start, end, owner) of every letters+digits run, both views."""
    seen: set[int] = set()
    for view in _distinct(views.norm, views.digits):
        for m in _patterns()["tracking"].finditer(view.text):
            start = m.start("digits") - min(len(m["letters"]), _MAX_PREFIX)
            if view.origin[m.start("digits")] in seen:
                continue
            seen.add(view.origin[m.start("digits")])
            yield view, start, m.end(), _tracking_owner(m, context)


def check(views: Views, context: CheckContext, policy: ShopPolicy) -> Iterator[Violation]:
    """Another buyer's tracking number, order id or phone tail."""
    del policy
    tracking_spans: list[tuple[int, int]] = []  # original indexes, to not report twice
    for view, start, end, owner in _tracking(views, context):
        if owner is None:
            continue
        tracking_spans.append((view.origin[start], view.origin[end - 1]))
        if owner == "foreign":
            yield views.violation(
                view,
                start,
                end,
                CODE,
                "包含其他买家的运单号「{span}」，物流信息只能告诉下单账号本人，请删去或核对运单号",
            )

    reported: set[int] = set()
    for view in _distinct(views.norm, views.digits):
        for m in _patterns()["order_id"].finditer(view.text):
            if len(m.group()) not in context.order_id_lengths:
                continue
            first = view.origin[m.start()]
            if first in reported or any(s <= first <= e for s, e in tracking_spans):
                continue
            reported.add(first)
            if m.group() not in context.own_order_ids:
                yield views.violation(
                    view,
                    *m.span(),
                    CODE,
                    "包含其他订单号「{span}」，订单信息只能告诉下单账号本人，请删去或核对订单号",
                )

    foreign = context.known_foreign_phone_last4 - {context.own_phone_last4}
    if foreign:
        norm = views.norm
        for m in _patterns()["four_digits"].finditer(norm.text):
            window = norm.text[max(0, m.start() - _PHONE_WINDOW) : m.end() + _PHONE_WINDOW]
            if m.group() in foreign and _PHONE_WORDS.search(window):
                yield views.violation(
                    norm,
                    *m.span(),
                    CODE,
                    "包含其他买家的手机尾号「{span}」，买家信息只能告诉本人，请删去",
                )
