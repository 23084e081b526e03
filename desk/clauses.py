"""Cuts a buyer's message into the questions it asks, so each one gets its answer (issue 19).

Two steps, so a single question is not torn apart:
1. `candidates(text)`, text only: the message is cut into clauses at punctuation (and
   after a sentence-final question particle); a clause that asks nothing (a height, a
   product named) joins the asking clause after it, or at the end the one before, so
   its context stays with its question.
2. `merge(candidates, intents)`, with the model's reading of each candidate: one read as
   courtesy or as nothing (greet, thank, affirm, out_of_scope, ...) joins its neighbour,
   and neighbours read as the same intent are one question asked twice.
What remains, if more than one, are the parts; every part is a piece of the buyer's own
text and the parts put together give back the whole message.

The words live in desk/clauses.yml (no Chinese in Python).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).with_suffix(".yml")
# Read as asking nothing of their own: they join the question next to them
# (a greeting before a question, a thank-you after it, a yes that goes with it).
FILLER_INTENTS = frozenset({"greet", "thank", "goodbye", "affirm", "deny", "out_of_scope", "nlu_fallback"})
# Symbols and emoji a clause may end with after its question word (a question ending followed by an emoji).
_TRAILING = re.compile(r"[\W_]+$")


@dataclass(frozen=True)
class Words:
    separators: frozenset[str]
    cut_after: tuple[str, ...]
    question_words: tuple[str, ...]
    question_ends: tuple[str, ...]
    request_words: tuple[str, ...]
    a_not_a: re.Pattern[str]
    min_confidence: float
    max_clauses: int


@lru_cache(maxsize=1)
def words(path: Path = WORDS_FILE) -> Words:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return Words(
        separators=frozenset(raw["separators"]),
        cut_after=tuple(raw["cut_after"]),
        question_words=tuple(raw["question_words"]),
        question_ends=tuple(raw["question_ends"]),
        request_words=tuple(raw["request_words"]),
        a_not_a=re.compile(r"(\w)(?:" + "|".join(map(re.escape, raw["a_not_a"])) + r")\1"),
        min_confidence=float(raw["min_confidence"]),
        max_clauses=int(raw["max_clauses"]),
    )


def _is_separator(text: str, index: int, known: Words) -> bool:
    char = text[index]
    if char == ".":  # a full stop, but not the point of 1.65
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        return not (before.isdigit() and after.isdigit())
    return char in known.separators


def clauses(text: str) -> list[str]:
    """`text` cut after each run of separators (and after a `cut_after` particle followed by more words).

    Every clause keeps its trailing separators, so the clauses joined are `text` again.
    """
    known = words()
    pieces: list[str] = []
    start = 0
    for index in range(len(text)):
        here_sep = _is_separator(text, index, known)
        next_sep = index + 1 < len(text) and _is_separator(text, index + 1, known)
        at_end = index + 1 == len(text)
        if at_end:
            break
        if here_sep and not next_sep:
            pieces.append(text[start : index + 1])
            start = index + 1
        elif not here_sep and not next_sep and text[index] in known.cut_after:
            pieces.append(text[start : index + 1])
            start = index + 1
    pieces.append(text[start:])
    return [p for p in pieces if p]


def asks(clause: str) -> bool:
    """True when the clause asks a question or for something."""
    known = words()
    core = _TRAILING.sub("", clause.strip())
    if not core:
        return any(q in clause for q in ("?", "\uff1f"))
    if any(word in core for word in known.question_words):
        return True
    if core.endswith(known.question_ends) or known.a_not_a.search(core):
        return True
    return any(word in core for word in known.request_words) or clause.rstrip().endswith(("?", "\uff1f"))


def candidates(text: str) -> list[str]:
    """The asking clauses of `text`, each with the non-asking clauses before it.

    Joined, they are `text`. One candidate (or the whole text when there are
    more than `max_clauses`: a long story, not a list of questions).
    """
    groups: list[str] = []
    pending = ""
    for clause in clauses(text):
        if asks(clause):
            groups.append(pending + clause)
            pending = ""
        else:
            pending += clause
    if pending:
        if groups:
            groups[-1] += pending
        else:
            groups.append(pending)
    if len(groups) > words().max_clauses:
        return [text]
    return groups


def bare(piece: str) -> str:
    """A piece as the model reads it: no edge whitespace, no trailing comma (a question mark stays)."""
    keep = {"?", "\uff1f"}
    return piece.strip().rstrip("".join(words().separators - keep)).strip()


def merge(
    pieces: Sequence[str], intents: Sequence[str], confidences: Sequence[float] | None = None
) -> list[str]:
    """The parts: `pieces` (candidates) merged by what the model read in each.

    A filler piece (a filler intent, or read below `min_confidence`) joins the
    part before it (or the next one, at the start); a piece with the previous
    part's intent joins that part. Joined, the parts are the pieces joined.
    """
    confidences = [1.0] * len(pieces) if confidences is None else confidences
    if not len(pieces) == len(intents) == len(confidences):
        raise ValueError("one intent and one confidence per piece")
    floor = words().min_confidence
    parts: list[list[str]] = []  # [text, intent]
    leading = ""
    for piece, intent, confidence in zip(pieces, intents, confidences):
        if intent in FILLER_INTENTS or confidence < floor:
            if parts:
                parts[-1][0] += piece
            else:
                leading += piece
        elif parts and parts[-1][1] == intent:
            parts[-1][0] += piece
        else:
            parts.append([leading + piece, intent])
            leading = ""
    if not parts:
        return ["".join(pieces)]
    return [text for text, _ in parts]
