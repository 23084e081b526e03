"""What a buyer's message says, as plain flags: not received, quality, exchange,
where is my parcel.

The cue words live in ``post_sale_cues.yml`` beside this module, so the Python
code stays free of Chinese and a shop can extend the lists without a release.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CUES_FILE = Path(__file__).resolve().parent / "post_sale_cues.yml"


@dataclass(frozen=True)
class Cues:
    not_received: tuple[str, ...]
    quality: tuple[str, ...]
    quality_negated: tuple[str, ...]
    exchange: tuple[str, ...]
    parcel: tuple[str, ...]
    dispatch: tuple[str, ...]


@lru_cache(maxsize=2)
def load_cues(path: Path = CUES_FILE) -> Cues:
    """Reads the cue lists once per process; a missing list fails loudly."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return Cues(**{name: tuple(raw[name]) for name in Cues.__dataclass_fields__})


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def says_not_received(text: str, cues: Cues | None = None) -> bool:
    """The buyer says a parcel has not reached her."""
    return _has_any(text or "", (cues or load_cues()).not_received)


def says_quality_problem(text: str, cues: Cues | None = None) -> bool:
    """The buyer reports a quality problem (and does not deny one)."""
    cues = cues or load_cues()
    text = text or ""
    if _has_any(text, cues.quality_negated):
        return False
    return _has_any(text, cues.quality)


def wants_exchange(text: str, cues: Cues | None = None) -> bool:
    """The buyer asks for another size or colour instead of a refund."""
    return _has_any(text or "", (cues or load_cues()).exchange)


def asks_where_parcel(text: str, cues: Cues | None = None) -> bool:
    """The buyer asks where a parcel is, rather than whether it has been sent."""
    cues = cues or load_cues()
    text = text or ""
    if _has_any(text, cues.dispatch):
        return False
    return _has_any(text, cues.parcel)
