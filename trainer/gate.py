"""The promotion gate: a candidate may not be worse than the live model.

Refused when macro-F1 on the held-out set drops by more than 0.5 points, or
any intent's F1 drops by more than 3 points (points = percent: 0.005 / 0.03).
"""

from __future__ import annotations

from typing import Any

MACRO_DROP = 0.005
INTENT_DROP = 0.03


def gate(comparison: dict[str, Any]) -> list[str]:
    """Reasons to refuse the candidate (empty: it may go live)."""
    models = comparison.get("models", {})
    cand, live = models.get("candidate"), models.get("live")
    if not cand:
        return ["the candidate has not been evaluated"]
    if not live:
        return []  # nothing live yet: there is nothing to get worse than
    reasons = []
    drop = live["macro_f1"] - cand["macro_f1"]
    if drop > MACRO_DROP + 1e-9:
        reasons.append(
            f"macro-F1 drops {drop * 100:.1f} points ({live['macro_f1']:.3f} → {cand['macro_f1']:.3f}), "
            f"more than {MACRO_DROP * 100:.1f}"
        )
    for intent, old in sorted(live["per_intent"].items()):
        new = cand["per_intent"].get(intent, {"f1": 0.0})
        drop = old["f1"] - new["f1"]
        if drop > INTENT_DROP + 1e-9:
            reasons.append(
                f"{intent}: F1 drops {drop * 100:.1f} points ({old['f1']:.3f} → {new['f1']:.3f}), "
                f"more than {INTENT_DROP * 100:.0f}"
            )
    return reasons
