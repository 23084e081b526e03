"""Recognises elliptical follow-ups: "那108呢", "M码呢", "黑色的呢", "0164呢".

Such a message names a product, size, colour or measurement and nothing else:
what it asks depends on the previous question ("那108呢" after a size question
asks the size of 108). No intent classifier can know that from the message
alone, and ours guesses wildly (goodbye, order status). So the NLU says so
honestly (`nlu_fallback`), and the dialogue continues the previous question
(actions/handoff.py). Pure: no Rasa imports.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from nlu.text.normalize import normalize

# Entities that can carry a follow-up question on their own.
CARRIERS = frozenset(
    {"product_code", "size", "color", "height", "weight", "bust", "waist", "hip", "shoulder"}
)
# What may surround them: particles, demonstratives, measure words, punctuation.
# Not 有: "(还)有M码吗" asks whether it is in stock, whatever was asked before.
FILLER = re.compile(r"[那这呢的吗嘛呀啊哦么还个件款条码号色颜要换成穿如果是\s,.?!~，。？！～、…]*")
# Longer messages say more than "and this one?": classify them normally.
MAX_LENGTH = 16


def is_elliptical(text: str, entities: Iterable[Mapping[str, Any]]) -> bool:
    """True when the text is only carrier entities plus filler, and asks (呢/吗/?)."""
    if not text or len(text) > MAX_LENGTH:
        return False
    spans = [(e.get("start"), e.get("end")) for e in entities if e.get("entity") in CARRIERS]
    spans = [(s, t) for s, t in spans if isinstance(s, int) and isinstance(t, int)]
    if not spans:
        return False
    rest = list(normalize(text))
    for start, end in spans:
        rest[start:end] = [" "] * (end - start)
    remainder = "".join(rest)
    asks = any(mark in remainder for mark in ("呢", "吗", "嘛", "?"))
    return asks and FILLER.fullmatch(remainder) is not None
