"""Scores of one model on a labelled message file: the whole file and its two halves.

The halves are the fixed md5 split of the NLU brief: the analysis half's errors
may be studied, the check half only reports numbers, so its error texts are
never written to the report (unless the file is a shop's own export, where
every error is worth reading: `show_all_errors`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nlu.evaluation import autosend
from nlu.evaluation import metrics as m
from nlu.evaluation.data import Example
from nlu.evaluation.tsv import split_halves

# Intents with fewer gold rows than this are too small for a per-intent score
# (the real-buyer README): the second macro-F1 leaves them out.
MIN_ROWS = 20


def _part(
    examples: list[Example],
    predictions: list[dict[str, Any]],
    large: list[str],
    thresholds: Mapping[str, autosend.Route] | None,
    errors: bool,
    agent_words: Sequence[str] = (),
) -> dict[str, Any]:
    gold = [e["intent"] for e in examples]
    served = [m.served_intent(p["intent"]) for p in predictions]
    report = m.intent_report(gold, served)
    present = [i for i in large if i in report["per_intent"]]
    out: dict[str, Any] = {
        "intent": report,
        "macro_f1_all": report["macro_f1"],
        "macro_f1_large": sum(report["per_intent"][i]["f1"] for i in present) / len(present)
        if present
        else 0.0,
        "confusion": m.confusion(gold, served),
    }
    if thresholds is not None:
        rows = [autosend.prediction(g, p) for g, p in zip(gold, predictions, strict=True)]
        rows = autosend.hold_agent_words(rows, [e["text"] for e in examples], agent_words)
        texts = [e["text"] for e in examples] if errors else None
        out["autosend"] = autosend.autosend_table(rows, thresholds, texts)
    if errors:
        out["errors"] = [
            {
                "line": e.get("line"),
                "text": e["text"],
                "gold": g,
                "served": s,
                "confidence": round(p["confidence"], 3),
            }
            for e, g, s, p in zip(examples, gold, served, predictions, strict=True)
            if g != s
        ]
    return out


def _rows(examples: list[Example]) -> tuple[dict[str, int], list[str]]:
    """Gold rows per intent, and the intents with at least MIN_ROWS of them."""
    counts: dict[str, int] = {}
    for example in examples:
        counts[example["intent"]] = counts.get(example["intent"], 0) + 1
    return counts, sorted(i for i, n in counts.items() if n >= MIN_ROWS)


def _file_header(path: Path, examples: list[Example]) -> tuple[dict[str, Any], list[str]]:
    """What every report of a labelled file starts with, and the intents with at least MIN_ROWS rows."""
    counts, large = _rows(examples)
    header = {
        "file": str(path),
        "messages": len(examples),
        "rows_per_intent": dict(sorted(counts.items())),
        "min_rows": MIN_ROWS,
        "large_intents": large,
    }
    return header, large


def file_numbers(path: Path, examples: list[Example], predictions: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole file's scores as numbers and intent names only, never a text of the file.

    For the trainers' candidate-vs-live comparison, which may run on the real-buyer
    set (research use: its texts stay out of every file the project writes).
    """
    header, large = _file_header(path, examples)
    whole = _part(examples, predictions, large, None, errors=False)
    return {
        **header,
        "macro_f1_all": whole["macro_f1_all"],
        "macro_f1_large": whole["macro_f1_large"],
        "accuracy": whole["intent"]["accuracy"],
        "per_intent": whole["intent"]["per_intent"],
        "confusion": whole["confusion"],  # counts per (gold, served) intent pair
    }


def score_labelled(
    path: Path,
    examples: list[Example],
    predictions: list[dict[str, Any]],
    thresholds: Mapping[str, autosend.Route] | None,
    *,
    show_all_errors: bool,
    agent_words: Sequence[str] = (),
) -> dict[str, Any]:
    """Whole-file and per-half scores; auto-send tables when `thresholds` is given
    (messages with one of `agent_words` are never auto-sent)."""
    header, large = _file_header(path, examples)
    out: dict[str, Any] = {
        **header,
        "whole": _part(examples, predictions, large, thresholds, show_all_errors, agent_words),
    }
    for half, idx in split_halves(examples).items():
        out[half] = _part(
            [examples[i] for i in idx],
            [predictions[i] for i in idx],
            large,
            thresholds,
            errors=half == "analysis" and not show_all_errors,
            agent_words=agent_words,
        )
        out[half]["messages"] = len(idx)
    return out
