"""Length-preserving normalisation of buyer messages for tokenizing and matching.

Buyers type Traditional characters, full-width digits/Latin (phone IMEs) and mixed
case. Everything downstream (jieba, the parsers, the lexicon matcher) works on the
normalised text, and because `normalize` maps every character to exactly one
character, an offset found in the normalised text is also an offset into the
original message: entities and tokens point back at what the buyer typed.
"""

from __future__ import annotations

import functools
import re

import opencc

_T2S = opencc.OpenCC("t2s")

_FULLWIDTH_START = 0xFF01  # '！'
_FULLWIDTH_END = 0xFF5E  # '～'
_FULLWIDTH_OFFSET = 0xFEE0
_IDEOGRAPHIC_SPACE = "\u3000"

# Latin-only lower-casing: str.lower() changes the length of a few characters
# (e.g. 'İ' -> 'i̇'), which would break the 1:1 offset guarantee.
_UPPER_TO_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    code = ord(char)
    if _FULLWIDTH_START <= code <= _FULLWIDTH_END:
        char = chr(code - _FULLWIDTH_OFFSET)
    elif char == _IDEOGRAPHIC_SPACE:
        return " "
    if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff":
        simplified = _T2S.convert(char)
        # OpenCC may map one character to a phrase; keep 1:1 lengths instead.
        if len(simplified) == 1:
            char = simplified
    return char.translate(_UPPER_TO_LOWER)


def normalize(text: str) -> str:
    """Return `text` simplified, half-width and Latin-lower-cased, same length.

    Conversion is per character (not phrase-level), which is slightly less
    accurate for rare Traditional phrases but keeps offsets 1:1.
    """
    if not text:
        return ""
    out = "".join(_fold_char(c) for c in text)
    assert len(out) == len(text)
    return out


_SPACE_RE = re.compile(r"\s+")


def fold_for_matching(text: str) -> str:
    """Key for dictionary look-ups: normalised, whitespace removed (NOT length-preserving).

    Used for catalogue aliases so that "ＥＭＳ", "E M S" and "ems" find the same entry.
    """
    return _SPACE_RE.sub("", normalize(text or ""))
