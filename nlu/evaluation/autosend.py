"""Auto-send thresholds from data, and what they would do (pure: no Rasa, no files).

A prediction is `(gold, intent, confidence)`: the intent the bot would act on
(nlu_fallback included) and its confidence. A message is auto-sent when its
intent has a threshold and the confidence reaches it (the gateway's rule,
desk/routing.py; its other conditions - policy, mode, handoff - only ever hold
a draft back, so this is the most that could go out).

An intent's threshold is the lowest one at which the auto-sent messages of that
intent are right at least `precision` of the time, none of them is a harmful
confusion, and at least `min_support` messages back the estimate; otherwise the
intent is never auto-sent (None). An optional `gate` set of predictions (real
messages: the analysis half of the real-buyer file) must meet the same precision
with no harmful confusion too, because cross-validation on our own phrasings is
more confident than real buyers deserve.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Prediction = tuple[str, str, float]  # (gold, intent acted on, confidence)

# A buyer's grievance, a return or a request for a person answered as anything
# else is the harm the issue forbids: such a message must never be auto-sent.
HARMFUL_GOLD = frozenset({"complain", "request_return", "request_human"})
# Always an agent, whatever the data: money, grievances, a person asked for,
# an address change, and answers (yes/no) that only make sense in context.
ALWAYS_AGENT = frozenset(
    {
        "request_return",
        "complain",
        "request_human",
        "change_address",
        "affirm",
        "deny",
        "out_of_scope",
        "nlu_fallback",
    }
)
TARGET_PRECISION = 0.99
MIN_SUPPORT = 20
# Candidate thresholds: the routing file keeps two decimals.
GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(71))


def is_harmful(gold: str, intent: str) -> bool:
    """A complaint, return or human request answered as something else."""
    return gold in HARMFUL_GOLD and intent != gold


def choose_threshold(
    intent: str,
    predictions: Iterable[Prediction],
    *,
    precision: float = TARGET_PRECISION,
    min_support: int = MIN_SUPPORT,
    gate: Iterable[Prediction] = (),
) -> float | None:
    """The lowest grid threshold meeting the rule for `intent`, or None (never auto-send)."""
    if intent in ALWAYS_AGENT:
        return None
    mine = [(gold, conf) for gold, name, conf in predictions if name == intent]
    gated = [(gold, conf) for gold, name, conf in gate if name == intent]
    for threshold in GRID:
        sent = [gold for gold, conf in mine if conf >= threshold]
        if len(sent) < min_support:
            return None  # higher thresholds only send fewer
        if _safe(intent, sent, precision) and _safe(
            intent, [g for g, c in gated if c >= threshold], precision
        ):
            return threshold
    return None


def _safe(intent: str, sent: list[str], precision: float) -> bool:
    """No harmful confusion among the sent golds, and at least `precision` of them right."""
    right = sum(gold == intent for gold in sent)
    return not any(is_harmful(gold, intent) for gold in sent) and right >= precision * len(sent)


def choose_thresholds(
    predictions: Sequence[Prediction],
    intents: Iterable[str],
    *,
    precision: float = TARGET_PRECISION,
    min_support: int = MIN_SUPPORT,
    gate: Sequence[Prediction] = (),
) -> dict[str, float | None]:
    """A threshold (or None) for every intent."""
    return {
        intent: choose_threshold(intent, predictions, precision=precision, min_support=min_support, gate=gate)
        for intent in intents
    }


def hold_agent_words(
    predictions: Sequence[Prediction], texts: Sequence[str], words: Sequence[str]
) -> list[Prediction]:
    """The predictions, with every message that contains one of `words` held back
    (confidence 0): the gateway gives such a message to an agent whatever its intent
    (responses/routing.yml `agent_words`, desk/routing.py; same case-insensitive match)."""
    folded = [w.casefold() for w in words]
    return [
        (gold, intent, 0.0 if any(w in text.casefold() for w in folded) else conf)
        for (gold, intent, conf), text in zip(predictions, texts, strict=True)
    ]


def would_auto_send(intent: str, confidence: float, thresholds: Mapping[str, float | None]) -> bool:
    """The gateway's threshold rule: never for ALWAYS_AGENT or an intent without a threshold."""
    threshold = thresholds.get(intent)
    return intent not in ALWAYS_AGENT and threshold is not None and confidence >= threshold


def autosend_table(
    predictions: Sequence[Prediction],
    thresholds: Mapping[str, float | None],
    texts: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Coverage and wrong-intent rate of auto-sending, per intent acted on and overall.

    Coverage is a share of ALL messages; the wrong rate a share of the auto-sent.
    `harmful` lists every harmful auto-send (with its text when `texts` is given).
    """
    total = len(predictions)
    per: dict[str, dict[str, Any]] = {}
    harmful: list[dict[str, Any]] = []
    for i, (gold, intent, conf) in enumerate(predictions):
        if not would_auto_send(intent, conf, thresholds):
            continue
        row = per.setdefault(intent, {"sent": 0, "wrong": 0, "harmful": 0})
        row["sent"] += 1
        row["wrong"] += gold != intent
        if is_harmful(gold, intent):
            row["harmful"] += 1
            case = {"gold": gold, "intent": intent, "confidence": round(conf, 3)}
            harmful.append({**case, "text": texts[i]} if texts is not None else case)
    rows = {
        intent: {
            "threshold": thresholds.get(intent),
            **row,
            "coverage": row["sent"] / total if total else 0.0,
            "wrong_rate": row["wrong"] / row["sent"],
        }
        for intent, row in sorted(per.items())
    }
    sent = sum(r["sent"] for r in per.values())
    wrong = sum(r["wrong"] for r in per.values())
    overall = {
        "messages": total,
        "sent": sent,
        "wrong": wrong,
        "harmful": len(harmful),
        "coverage": sent / total if total else 0.0,
        "wrong_rate": wrong / sent if sent else 0.0,
    }
    pairs: dict[str, int] = {}
    for case in harmful:
        key = f"{case['gold']} -> {case['intent']}"
        pairs[key] = pairs.get(key, 0) + 1
    return {
        "thresholds": dict(thresholds),
        "per_intent": rows,
        "overall": overall,
        "harmful_pairs": dict(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))),
        "harmful_cases": harmful,
    }
