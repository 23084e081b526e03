"""Chinese names and phrase pieces for the pre-sale replies (responses/vocabulary.yml).

The pure decision modules return codes ("wool", "height", "pilling"); the
actions turn them into the short Chinese lists that fill template placeholders
with the helpers here, so no user-facing word is written in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from paths import RESPONSES_DIR

VOCABULARY_FILE = RESPONSES_DIR / "vocabulary.yml"


def number(value: float | int | Any) -> str:
    """A number as a buyer writes it: 115.0 -> "115", 57.5 -> "57.5", 12.00 -> "12"."""
    as_float = float(value)
    if as_float.is_integer():
        return str(int(as_float))
    return f"{as_float:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Vocabulary:
    """Typed access to the vocabulary file."""

    raw: Mapping[str, Any]

    def piece(self, name: str, **values: Any) -> str:
        return str(self.raw["pieces"][name]).format(**values)

    def join(self, items: Iterable[str], separator: str = "list_separator") -> str:
        return str(self.raw["pieces"][separator]).join(items)

    def material(self, code: str) -> str:
        # An unknown fibre code is shown as is rather than dropped: an agent
        # then sees it in the draft and can add it to the vocabulary.
        return str(self.raw["materials"].get(code, code))

    def measure(self, code: str) -> str:
        return str(self.raw["measures"][code]["name"])

    def unit(self, code: str) -> str:
        return str(self.raw["measures"][code]["unit"])

    @property
    def dark_colors(self) -> frozenset[str]:
        return frozenset(self.raw["dark_colors"])

    def composition(self, materials: Iterable[tuple[str, float]]) -> str:
        """ "羊毛80%、锦纶20%"; a single fibre reads "纯棉" (never "100%", an absolute)."""
        items = list(materials)
        if len(items) == 1:
            return self.piece("pure_material", material=self.material(items[0][0]))
        return self.join(
            self.piece("composition_item", material=self.material(code), percent=number(pct))
            for code, pct in items
        )

    def measurement(self, code: str, value: float) -> str:
        """One measurement, e.g. 身高162cm; weight is stored in kg, shown in 斤 as buyers say it."""
        shown = value * 2 if code == "weight" else value
        return self.piece(
            "measurement", measure=self.measure(code), value=number(shown), unit=self.unit(code)
        )

    def risk(self, code: str) -> str:
        return str(self.raw["risks"][code])

    def fading_reason(self, code: str, colors: Iterable[str] = ()) -> str:
        colours = self.join(colors)
        return str(self.raw["fading_reasons"][code]).format(colors=colours)

    def coupon_applied_at(self, code: str) -> str:
        return str(self.raw["coupon_applied_at"].get(code, code))


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Reads the vocabulary once per process."""
    with open(path, encoding="utf-8") as fh:
        return Vocabulary(yaml.safe_load(fh))
