"""Fabric and care answers: what a product is made of and what to expect of it.

One concern at a time (pilling, fading, shrinking, material, washing) or, with
none named, a short overview of the product's main risks. The answers are
honest about risks (a wool coat may pill) and never promise that something
cannot happen. Pure: codes and facts out, the wording is in the templates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

CONCERNS = ("pilling", "fading", "shrinking", "material", "washing")

# Most pill-prone first: cashmere's short soft fibres pill more than wool,
# and acrylic pills readily too.
PILLING_FIBRES = ("cashmere", "acrylic", "wool")
PILLING_HIGH = frozenset({"cashmere", "acrylic"})
# Natural and regenerated fibres that shrink with heat (hot water, dryer).
SHRINKING_FIBRES = ("wool", "cashmere", "cotton", "viscose")
# Categories cut from denim, whose indigo floats in the first washes.
DENIM_CATEGORIES = frozenset({"jeans", "denim"})


@dataclass(frozen=True)
class FabricAdvice:
    """The decision for one question about one product."""

    rule: str
    concern: str | None = None
    composition: tuple[tuple[str, float], ...] = ()  # fibre code -> percent, largest first
    pilling_fibres: tuple[str, ...] = ()  # most pill-prone first
    shrinking_fibres: tuple[str, ...] = ()
    fading_reasons: tuple[str, ...] = ()  # "silk", "denim", "dark"
    dark_colors: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()  # overview: "pilling", "fading", "shrinking"


def composition(materials: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    """Fibres by share, largest first (ties keep the catalogue's order)."""
    items = [(code, float(pct)) for code, pct in materials.items()]
    return tuple(sorted(items, key=lambda item: -item[1]))


def pilling_fibres(materials: Mapping[str, float]) -> tuple[str, ...]:
    return tuple(f for f in PILLING_FIBRES if materials.get(f))


def shrinking_fibres(materials: Mapping[str, float]) -> tuple[str, ...]:
    return tuple(f for f in SHRINKING_FIBRES if materials.get(f))


def fading(
    materials: Mapping[str, float],
    category: str,
    colors: Sequence[str],
    dark_colors: Collection[str],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(reasons, dark colours among `colors`) why the product may lose some colour."""
    dark = tuple(c for c in colors if c in dark_colors)
    reasons = []
    if materials.get("silk"):
        reasons.append("silk")
    if category in DENIM_CATEGORIES:
        reasons.append("denim")
    if dark:
        reasons.append("dark")
    return tuple(reasons), dark


def advise(
    *,
    known: bool,
    materials: Mapping[str, float] | None = None,
    category: str = "",
    colors: Sequence[str] = (),
    concern: str | None = None,
    dark_colors: Collection[str] = (),
) -> FabricAdvice:
    """Answers `concern` (None = overview) for a product; `known=False` asks which one.

    `colors` are the colours in question: the one the buyer named, else all
    the product's colours (fading depends on the dye).
    """
    if not known:
        return FabricAdvice(rule="fabric_ask_product", concern=concern)
    materials = materials or {}
    comp = composition(materials)
    concern = concern if concern in CONCERNS else None
    pills = pilling_fibres(materials)
    shrinks = shrinking_fibres(materials)
    reasons, dark = fading(materials, category, colors, dark_colors)
    base = {
        "concern": concern,
        "composition": comp,
        "pilling_fibres": pills,
        "shrinking_fibres": shrinks,
    }

    if concern == "pilling":
        if not pills:
            return FabricAdvice(rule="fabric_pilling_low", **base)
        level = "high" if PILLING_HIGH.intersection(pills) else "some"
        return FabricAdvice(rule=f"fabric_pilling_{level}", **base)
    if concern == "fading":
        if not reasons:
            return FabricAdvice(rule="fabric_fading_low", **base)
        return FabricAdvice(rule="fabric_fading_prone", fading_reasons=reasons, dark_colors=dark, **base)
    if concern == "shrinking":
        if not shrinks:
            return FabricAdvice(rule="fabric_shrinking_low", **base)
        return FabricAdvice(rule="fabric_shrinking_prone", **base)
    if concern == "material":
        return FabricAdvice(rule="fabric_material", **base)
    if concern == "washing":
        return FabricAdvice(rule="fabric_washing", **base)

    risks = tuple(
        name for name, present in (("pilling", pills), ("fading", reasons), ("shrinking", shrinks)) if present
    )
    return FabricAdvice(
        rule="fabric_overview",
        risks=risks,
        fading_reasons=reasons,
        dark_colors=dark,
        **base,
    )
