"""Recognises a pasted order id or waybill number on its own: "where is this?".

A buyer often pastes just `5021873340003` or `SF1000000009001` (maybe with
"单号" or "查一下"), or answers the bot's request to link with
"订单号1234567890123 手机尾号5678". None of these has words for a classifier to
go on (ours guessed out_of_scope, goodbye or change_address), yet each means
one thing: the buyer asks about that order or parcel. The owner check stays in
the action: another buyer's number gets the same answer as a missing one.
Pure: no Rasa imports.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from nlu.text.normalize import normalize

INTENT = "ask_order_status"
NUMBERS = frozenset({"order_id", "tracking_number"})
_SEPARATORS = r"[\s,.?!~:#/，。？！～、：；;\-]*"
# Words that may surround a pasted number without changing what it asks.
_WORDS = (
    "帮我查一下|帮我查查|帮我查|帮忙查一下|帮忙查|查一下|查查|查询|"
    "快递单号|物流单号|运单号|订单编号|订单号|单号|订单|快递|物流|"
    "手机号码后四位|手机号后四位|手机后四位|手机尾号|后四位|后4位|尾号|手机号|手机|"
    "到哪了|到哪里了|在哪里|在哪|这个|这单|我的|的|呢|吗|呀|亲|你好|您好|请问|谢谢"
)
FILLER = re.compile(rf"{_SEPARATORS}(?:(?:{_WORDS}){_SEPARATORS})*")
# The last 4 phone digits of the linking format, beside an order id.
_PHONE_TAIL = re.compile(r"(?<!\d)\d{4}(?!\d)")
# A longer message says more than "this number": classify it normally.
MAX_LENGTH = 60


def pasted_number_intent(text: str, entities: Iterable[Mapping[str, Any]]) -> str | None:
    """``ask_order_status`` when the text is an order id or waybill number and filler only."""
    if not text or len(text) > MAX_LENGTH:
        return None
    spans = [(e.get("start"), e.get("end"), e.get("entity")) for e in entities if e.get("entity") in NUMBERS]
    spans = [(s, t, name) for s, t, name in spans if isinstance(s, int) and isinstance(t, int)]
    if not spans:
        return None
    rest = list(normalize(text))
    for start, end, _ in spans:
        rest[start:end] = [" "] * (end - start)
    remainder = "".join(rest)
    if any(name == "order_id" for _, _, name in spans):
        remainder = _PHONE_TAIL.sub(" ", remainder, count=1)
    return INTENT if FILLER.fullmatch(remainder) else None
