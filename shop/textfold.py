"""Views of a reply text that the policy checker matches against.

An agent who wants to slip a banned phrase past a filter writes it in
Traditional script, full-width, or with spaces, dashes, zero-width characters
or emoji inside ("不 知 道", "不-知-道", "不😊知道"). Two views undo that:

* :func:`normalise` — NFKC (full-width → half-width), Traditional → Simplified
  (OpenCC ``t2s``, character by character), lower case, format characters
  (zero-width spaces/joiners) dropped. Spaces and punctuation stay, so digit
  groups, links and amounts keep their shape.
* :func:`fold` — the normalised view without any whitespace, punctuation,
  symbols or emoji, except that sentence-ending punctuation becomes a boundary
  marker. A phrase is therefore found across a comma ("不，知道") but never across
  a full stop: "要不。知道了吗" is two sentences and no banned phrase.

Every view keeps, for each of its characters, the index of the original
character it came from, so a match can be reported as the text the agent
actually typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Boundary marker left in the folded view where a sentence ends; it is a
# character no phrase contains, so no match can span it.
BOUNDARY = "\n"

# Sentence-ending punctuation, as it looks after NFKC ("！" → "!").
# The ASCII full stop "." is deliberately NOT here: it is what obfuscators put
# between characters ("不.知.道") and it also appears in amounts and domains,
# while Chinese replies end sentences with "。". "~"/"～" are fillers for the
# same reason. Cheap choice: a phrase split by 。!?; or a line break is missed.
_SENTENCE_ENDS = frozenset("。!?;\n\r")

# Variant characters that t2s leaves apart but a reader treats as the same
# word (Taiwanese 轉帳 is 转帐 after t2s, the banned phrase is 转账).
_VARIANTS = str.maketrans({"帐": "账"})


@dataclass(frozen=True)
class TextView:
    """A transformed text plus, per character, its index in the original."""

    text: str
    origin: tuple[int, ...]

    def original_span(self, original: str, start: int, end: int) -> str:
        """The original characters behind ``text[start:end]`` (end exclusive)."""
        if start >= end:
            return ""
        return original[self.origin[start] : self.origin[end - 1] + 1]


@lru_cache(maxsize=1)
def _t2s():
    # Built on first use: OpenCC reads its dictionaries from disk.
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def _normalise_char(ch: str) -> str:
    """One original character → its normalised form ('' if it is dropped)."""
    if ch in "…⋯":  # NFKC would make "..." of it, which is no longer a sentence end
        return "。"
    if unicodedata.category(ch) == "Cf":  # zero-width space/joiner, BOM, ...
        return ""
    out = unicodedata.normalize("NFKC", ch)
    if not out.isascii():
        # Per character, not per text: keeps the index map exact; the phrase
        # conversions OpenCC would add do not matter for the words checked.
        out = _t2s().convert(out)
    return out.lower().translate(_VARIANTS)


def normalise(text: str) -> TextView:
    """NFKC + Traditional→Simplified + lower case, format chars dropped."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for out in _normalise_char(ch):
            chars.append(out)
            origin.append(i)
    return TextView("".join(chars), tuple(origin))


@lru_cache(maxsize=4096)
def _fold_class(ch: str) -> int:
    """0: keep, 1: drop (filler), 2: sentence boundary."""
    if ch in _SENTENCE_ENDS:
        return 2
    if ch.isspace():
        return 1
    # P* punctuation, S* symbols (emoji are So, "~" is Sm), M* marks such as
    # the emoji variation selector U+FE0F.
    return 1 if unicodedata.category(ch)[0] in "PSM" else 0


def fold(view: TextView) -> TextView:
    """The normalised view without fillers; sentence ends become BOUNDARY."""
    chars: list[str] = []
    origin: list[int] = []
    for ch, i in zip(view.text, view.origin, strict=True):
        kind = _fold_class(ch)
        if kind == 0:
            chars.append(ch)
            origin.append(i)
        elif kind == 2 and chars and chars[-1] != BOUNDARY:
            chars.append(BOUNDARY)
            origin.append(i)
    return TextView("".join(chars), tuple(origin))


def fold_phrase(phrase: str) -> str:
    """A policy phrase in the folded form it is searched for."""
    return fold(normalise(phrase)).text.strip(BOUNDARY)


# Digits as spoken or written out ("一三八", "幺", "〇"): a phone number typed
# as words is still a phone number. "两" and "十" are left alone: nobody reads
# a phone number with them, and "两件" or "十天" must stay words.
_SPOKEN_DIGITS = str.maketrans(dict(zip("零〇洞幺一二三四五六七八九", "0001123456789", strict=True)))
# What people put between digit groups ("138 0013-8000", "138·0013"); commas and
# Chinese punctuation stay, so two numbers in a list never glue into one.
_DIGIT_FILLERS = frozenset(" \t\u3000-_.·—–~/|'")


@lru_cache(maxsize=4096)
def _digit_filler(ch: str) -> bool:
    return ch in _DIGIT_FILLERS or ch.isspace() or unicodedata.category(ch)[0] in "SM"


def digits(view: TextView) -> TextView:
    """The normalised view with spoken digits as ASCII and digit-group fillers dropped."""
    chars: list[str] = []
    origin: list[int] = []
    for ch, i in zip(view.text.translate(_SPOKEN_DIGITS), view.origin, strict=True):
        if not _digit_filler(ch):
            chars.append(ch)
            origin.append(i)
    return TextView("".join(chars), tuple(origin))


def join_digit_groups(view: TextView) -> TextView:
    """``view`` without the commas that stand between two digits ("138，0013，8000").

    A separate view: in the digits view a comma still keeps an order id and
    a phone number in a list apart.
    """
    text = view.text
    keep = [
        i
        for i, ch in enumerate(text)
        if not (ch in ",、" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())
    ]
    return TextView("".join(text[i] for i in keep), tuple(view.origin[i] for i in keep))
