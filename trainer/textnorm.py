"""How trainer text is cleaned for writing and compared for duplicates.

`clean` makes a buyer message safe to write as one training example; `key`
is the comparison form: two texts with the same key are the same phrasing.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from opencc import OpenCC

# Categories dropped from the comparison key: spaces, punctuation, symbols
# (emoji included) and control/format characters; what is left is the words.
_DROPPED = ("Z", "P", "S", "C")


class BadText(ValueError):
    """The text cannot be written as a training example; the message says why."""


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def clean(text: str) -> str:
    """One line of text, as it will be written and as Rasa will read it back.

    Line breaks (including the Unicode ones Python's `splitlines` and Rasa
    split examples on) are joined with one space: a message is one example.
    Control and invisible format characters are dropped; surrounding spaces
    are stripped because Rasa strips them when it reads an example.
    """
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise BadText("the text contains broken characters (lone surrogates)")
    joined = " ".join(part.strip() for part in text.splitlines() if part.strip())
    kept = "".join(
        ch for ch in joined if ch == "\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    kept = kept.strip(" \t")
    if not key(kept):
        raise BadText("the text is empty (or only spaces/punctuation)")
    return kept


def key(text: str) -> str:
    """NFKC, Traditional→Simplified, lower case, without spaces/punctuation/symbols."""
    folded = _t2s().convert(unicodedata.normalize("NFKC", text)).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in _DROPPED)
