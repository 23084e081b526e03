"""Pure metric computations for the NLU evaluation (no Rasa import).

Everything here takes plain lists/dicts so it can be tested on small hand-made
tables with exact numbers. `nlu.evaluation.evaluate` feeds it the parsed predictions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

# The intent Rasa's FallbackClassifier sets; the bot handles it like out_of_scope
# (docs/architecture.md), so for the served intent it counts as out_of_scope.
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"


def served_intent(name: str) -> str:
    """The intent the bot acts on: nlu_fallback is handled like out_of_scope."""
    return OUT_OF_SCOPE if name == FALLBACK else name


def _ratio(num: float, den: float) -> float:
    # 0/0 is reported as 0.0 (sklearn's zero_division=0 convention).
    return num / den if den else 0.0


def intent_report(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Per-intent precision/recall/F1/support, macro averages and accuracy.

    Labels are the gold intents (a predicted label never seen in gold, e.g.
    nlu_fallback, lowers recall but gets no row of its own in the macro average).
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    labels = sorted(set(gold))
    tp = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    n_pred = Counter(predicted)
    n_gold = Counter(gold)
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        precision = _ratio(tp[label], n_pred[label])
        recall = _ratio(tp[label], n_gold[label])
        f1 = _ratio(2 * precision * recall, precision + recall)
        per[label] = {"precision": precision, "recall": recall, "f1": f1, "support": n_gold[label]}
    count = len(labels) or 1
    return {
        "per_intent": per,
        "macro_precision": sum(r["precision"] for r in per.values()) / count,
        "macro_recall": sum(r["recall"] for r in per.values()) / count,
        "macro_f1": sum(r["f1"] for r in per.values()) / count,
        "accuracy": _ratio(sum(tp.values()), len(gold)),
        "n": len(gold),
    }


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Confusion matrix: rows gold, columns predicted, labels = union, sorted."""
    labels = sorted(set(gold) | set(predicted))
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return {"labels": labels, "matrix": matrix}


def confusion_text(table: dict[str, Any]) -> str:
    """A fixed-width text table of a confusion matrix (rows gold, columns predicted)."""
    labels = table["labels"]
    # Column headers are numbered: intent names are too wide for 18 columns.
    lines = ["gold \\ predicted: " + "  ".join(f"{i}={label}" for i, label in enumerate(labels))]
    width = max(len(label) for label in labels) + 4 if labels else 8
    lines.append(" " * width + "".join(f"{i:>4}" for i in range(len(labels))))
    for i, (label, row) in enumerate(zip(labels, table["matrix"], strict=True)):
        cells = "".join(f"{v:>4}" if v else "   ." for v in row)
        lines.append(f"{i:>2} {label:<{width - 3}}{cells}")
    return "\n".join(lines)


def top_confusions(table: dict[str, Any], limit: int = 10) -> list[tuple[str, str, int]]:
    """The most frequent (gold, predicted, count) errors."""
    labels, matrix = table["labels"], table["matrix"]
    pairs = [
        (labels[i], labels[j], matrix[i][j])
        for i in range(len(labels))
        for j in range(len(labels))
        if i != j and matrix[i][j]
    ]
    return sorted(pairs, key=lambda t: (-t[2], t[0], t[1]))[:limit]


def same_value(gold: Any, ours: Any) -> bool:
    """Entity values match: numerically when both are numbers (57.5 == "57.5"), else as strings."""
    try:
        return float(gold) == float(ours)
    except (TypeError, ValueError):
        return str(gold) == str(ours)


def entity_report(
    gold: Sequence[Iterable[dict[str, Any]]], predicted: Sequence[Iterable[dict[str, Any]]]
) -> dict[str, Any]:
    """Exact-match scores per entity type over aligned messages.

    For every gold entity: `value` = some predicted entity of the type has the
    same value; `span` = same start and end; `exact` = both on one prediction.
    Precision counts predicted entities of the type that exactly match a gold one.
    """
    stats: dict[str, Counter] = {}
    for gold_entities, predicted_entities in zip(gold, predicted, strict=True):
        golds, preds = list(gold_entities), list(predicted_entities)
        for g in golds:
            row = stats.setdefault(g["entity"], Counter())
            same_type = [p for p in preds if p["entity"] == g["entity"]]
            row["gold"] += 1
            row["value"] += any(same_value(g["value"], p["value"]) for p in same_type)
            row["span"] += any((p["start"], p["end"]) == (g["start"], g["end"]) for p in same_type)
            row["exact"] += any(_exact(g, p) for p in same_type)
        for p in preds:
            row = stats.setdefault(p["entity"], Counter())
            row["predicted"] += 1
            row["predicted_exact"] += any(_exact(g, p) for g in golds if g["entity"] == p["entity"])
    per = {name: _entity_row(row) for name, row in sorted(stats.items())}
    total = sum((Counter(r) for r in stats.values()), Counter())
    return {"per_entity": per, "overall": _entity_row(total)}


def _exact(gold: dict[str, Any], ours: dict[str, Any]) -> bool:
    return (gold["start"], gold["end"]) == (ours["start"], ours["end"]) and same_value(
        gold["value"], ours["value"]
    )


def _entity_row(row: Counter) -> dict[str, float]:
    return {
        "gold": row["gold"],
        "predicted": row["predicted"],
        "value_match": _ratio(row["value"], row["gold"]),
        "span_match": _ratio(row["span"], row["gold"]),
        "exact_recall": _ratio(row["exact"], row["gold"]),
        "exact_precision": _ratio(row["predicted_exact"], row["predicted"]),
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation (numpy's default method)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def fallback_outcome(
    gold: Sequence[str],
    ranked: Sequence[Sequence[tuple[str, float]]],
    threshold: float,
    ambiguity: float,
) -> dict[str, Any]:
    """Replay FallbackClassifier's rule on the classifier's rankings.

    `ranked[i]` is the classifier's (intent, confidence) list, best first, without
    nlu_fallback. A message falls back when its top confidence is below
    `threshold` or the top two are closer than `ambiguity` (Rasa's rule).
    Returns how many fell back, how many of those the classifier had wrong, how
    many correct answers were thrown away, and the served macro-F1.
    """
    served, fell, fell_wrong = [], 0, 0
    for g, ranking in zip(gold, ranked, strict=True):
        top, conf = ranking[0] if ranking else (FALLBACK, 0.0)
        second = ranking[1][1] if len(ranking) > 1 else 0.0
        falls = conf < threshold or (conf - second) < ambiguity
        if falls:
            fell += 1
            fell_wrong += top != g
        served.append(served_intent(FALLBACK) if falls else top)
    return {
        "threshold": threshold,
        "ambiguity_threshold": ambiguity,
        "fallbacks": fell,
        "fallbacks_wrong": fell_wrong,
        "correct_thrown_away": fell - fell_wrong,
        "served_macro_f1": intent_report(gold, served)["macro_f1"],
        "served_accuracy": intent_report(gold, served)["accuracy"],
    }
