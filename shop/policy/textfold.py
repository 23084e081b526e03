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

import re
import unicodedata
from collections.abc import Callable, Sequence
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
    origin: Sequence[int]  # a range when nothing moved

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


# Per-character results as str.translate tables (code point → text), filled as
# characters are met: a shop's replies use a few thousand distinct characters,
# and translate runs at C speed over every character of every checked reply.
_NORMALISED: dict[int, str] = {}
_ODD: set[str] = set()  # characters whose normalised form is not exactly one character
# Kind of each normalised character for fold: "k" keep, "d" drop, "e" sentence end.
_FOLD_KIND: dict[int, str] = {}


@lru_cache(maxsize=1)
def _runs() -> dict[str, re.Pattern[str]]:
    """Compiled on first use, like every pattern of the checker."""
    return {
        "fold": re.compile(r"k+|e[de]*"),  # kept characters | a sentence end and what follows it
        "kept": re.compile(r"k+"),
        "comma_in_digits": re.compile(r"\d[,、]\d"),
    }


def _learn(table: dict[int, str], text: str, compute: Callable[[str], str]) -> None:
    """Adds the characters of ``text`` that ``table`` has not met yet."""
    for ch in set(text):
        if ord(ch) not in table:
            table[ord(ch)] = compute(ch)


def normalise(text: str) -> TextView:
    """NFKC + Traditional→Simplified + lower case, format chars dropped."""
    _learn(_NORMALISED, text, _normalised_entry)
    if _ODD.isdisjoint(text):  # the usual case: one character each, indexes unchanged
        return TextView(text.translate(_NORMALISED), range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for out in _NORMALISED[ord(ch)]:
            chars.append(out)
            origin.append(i)
    return TextView("".join(chars), tuple(origin))


def _normalised_entry(ch: str) -> str:
    out = _normalise_char(ch)
    if len(out) != 1:
        _ODD.add(ch)
    return out


def _fold_kind(ch: str) -> str:
    """ "k": keep, "d": drop (filler), "e": sentence boundary."""
    if ch in _SENTENCE_ENDS:
        return "e"
    if ch.isspace():
        return "d"
    # P* punctuation, S* symbols (emoji are So, "~" is Sm), M* marks such as
    # the emoji variation selector U+FE0F.
    return "d" if unicodedata.category(ch)[0] in "PSM" else "k"


def fold(view: TextView) -> TextView:
    """The normalised view without fillers; sentence ends become BOUNDARY."""
    text, origin = view.text, view.origin
    _learn(_FOLD_KIND, text, _fold_kind)
    kinds = text.translate(_FOLD_KIND)
    chars: list[str] = []
    kept: list[int] = []
    for run in _runs()["fold"].finditer(kinds):
        start, end = run.span()
        if kinds[start] == "k":
            chars.append(text[start:end])
            kept.extend(origin[start:end])
        elif chars and chars[-1] != BOUNDARY:  # one boundary per sentence end, none first
            chars.append(BOUNDARY)
            kept.append(origin[start])
    return TextView("".join(chars), tuple(kept))


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


# "k" keep, "d" drop, per normalised character, for the digits view.
_DIGIT_KIND: dict[int, str] = {}


def _digit_kind(ch: str) -> str:
    filler = ch in _DIGIT_FILLERS or ch.isspace() or unicodedata.category(ch)[0] in "SM"
    return "d" if filler else "k"


def digits(view: TextView) -> TextView:
    """The normalised view with spoken digits as ASCII and digit-group fillers dropped."""
    text = view.text.translate(_SPOKEN_DIGITS)
    _learn(_DIGIT_KIND, text, _digit_kind)
    kinds = text.translate(_DIGIT_KIND)
    if "d" not in kinds:
        return TextView(text, view.origin)
    chars: list[str] = []
    kept: list[int] = []
    for run in _runs()["kept"].finditer(kinds):
        chars.append(text[run.start() : run.end()])
        kept.extend(view.origin[run.start() : run.end()])
    return TextView("".join(chars), tuple(kept))


def join_digit_groups(view: TextView) -> TextView:
    """``view`` without the commas that stand between two digits ("138，0013，8000").

    A separate view: in the digits view a comma still keeps an order id and
    a phone number in a list apart.
    """
    text = view.text
    if not _runs()["comma_in_digits"].search(text):
        return view
    keep = [
        i
        for i, ch in enumerate(text)
        if not (ch in ",、" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())
    ]
    return TextView("".join(text[i] for i in keep), tuple(view.origin[i] for i in keep))
