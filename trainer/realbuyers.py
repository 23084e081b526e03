"""Keeps real buyers' messages (evaluation only) and close variants out of training.

`../shared/real-buyers/` (beside the project, never vendored) holds real buyer
messages whose sources allow research use, not redistribution: the project may
measure on them but must not train on them or on a close variant of them.

The rule, on `trainer.textnorm.key` (NFKC, Traditional→Simplified, lower case,
no spaces/punctuation/emoji), with `n` the length of the shorter of the two keys
in units (one per Chinese character, one per run of Latin letters/digits: "thanks"
or "haode" is one word, not six letters):
- equal keys are always a copy;
- when n >= MIN_FUZZY (6): a key contained in the other, or a similarity
  (rapidfuzz's normalised Indel ratio, the issue's measure) >= SIMILAR (0.8),
  is a close variant;
- when n < MIN_FUZZY only equality counts. A one-character change in a 4-character
  text already scores 0.75-0.8, and 好的/谢谢/在吗/退货 occur inside hundreds of
  messages: containment or similarity there would forbid the language itself,
  not a copy of someone's sentence.

Messages never quote the real-buyer text: the guard must not leak what it guards.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from trainer.textnorm import key

SIMILAR = 0.8
MIN_FUZZY = 6
FILES = ("dev.tsv", "ambiguous.tsv")
_LATIN_RUN = re.compile(r"[0-9a-z]+")


def default_dir(project_root: Path) -> Path:
    """`../shared/real-buyers/` beside the project, where the evaluation reads it."""
    return project_root.parent / "shared" / "real-buyers"


def load_keys(directory: Path) -> list[str]:
    """Comparison keys of every real-buyer text present (none when the folder is absent)."""
    keys: set[str] = set()
    for name in FILES:
        path = directory / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if row and (k := key(row[0])):
                    keys.add(k)
    return sorted(keys)


@dataclass(frozen=True)
class Match:
    """How a training text relates to some real-buyer text (which one is not kept)."""

    kind: str  # "equal", "contained", "contains" or "similar"
    score: float  # similarity 0..1 (1.0 for equal)
    short: bool  # the shorter key has fewer than MIN_FUZZY characters

    def refusal(self) -> str:
        """Why the trainer refuses it, in English and Chinese, without quoting the buyer."""
        en, zh = {
            "equal": ("is the same as", "与一条真实买家消息相同"),
            "contained": ("is part of", "是一条真实买家消息的一部分"),
            "contains": ("contains", "包含了一条真实买家消息"),
            "similar": (f"is {self.score:.0%} similar to", f"与一条真实买家消息相似度 {self.score:.0%}"),
        }[self.kind]
        return (
            f"this phrasing {en} a real buyer's message from the evaluation set, which may only be "
            f"used to measure the model: write the idea in your own words / 这句{zh}（该消息只能用于评测，"
            "不能用于训练），请换成自己的说法"
        )


@lru_cache(maxsize=1 << 16)
def units(text_key: str) -> int:
    """Length for the short-text rule: Chinese characters plus Latin/digit runs."""
    return len(_LATIN_RUN.sub("a", text_key))


def find(text_key: str, buyer_keys: list[str]) -> Match | None:
    """The first reason `text_key` counts as a copy of a real-buyer text, or None."""
    if not text_key:
        return None
    hits = process.extract(text_key, buyer_keys, scorer=fuzz.ratio, score_cutoff=SIMILAR * 100, limit=None)
    for other, score, _ in sorted(hits, key=lambda h: -h[1]):
        if other == text_key:
            return Match("equal", 1.0, min(units(other), units(text_key)) < MIN_FUZZY)
        if min(units(other), units(text_key)) >= MIN_FUZZY:
            return Match("similar", score / 100, False)
    if units(text_key) >= MIN_FUZZY:
        for other in buyer_keys:
            if len(other) > len(text_key) and text_key in other:
                return Match("contained", 1.0, False)
    for other in buyer_keys:
        if len(other) < len(text_key) and units(other) >= MIN_FUZZY and other in text_key:
            return Match("contains", 1.0, False)
    return None


def violations(texts: Iterable[str], buyer_keys: list[str]) -> dict[str, Match]:
    """Each given text that is a copy or close variant of a real-buyer text, with why."""
    found: dict[str, Match] = {}
    for text in texts:
        match = find(key(text), buyer_keys)
        if match is not None:
            found[text] = match
    return found
