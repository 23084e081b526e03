"""Evaluate the intent model and the rule entities against a stock Rasa baseline.

    .venv-rasa/bin/python -m nlu.evaluation.evaluate [--quick] [--folds N] [--tsv PATH] [--no-baseline]
    (make evaluate [QUICK=1] [FOLDS=N] [TSV=PATH] [BASELINE=0])

For our pipeline (config.yml) and the baseline (nlu/evaluation/baseline_config.yml), in one
run: intent precision/recall/F1, macro-F1 and confusion matrix on the held-out
file, on the same file converted to Traditional script, and by N-fold
cross-validation on data/nlu (`--quick` skips it); entity exact match per type;
parse latency p50/p95; a FallbackClassifier threshold analysis. Also, for a
labelled TSV (`--tsv`; by default the real-buyer set ../shared/real-buyers/dev.tsv
when it exists): the same intent scores on the whole file and on its two fixed
halves, and what the routing file's thresholds would auto-send (nlu.evaluation.autosend).
Writes var/results/nlu/report.json, report.md and confusion-matrix PNGs.

The headline intent is the *served* one: nlu_fallback counts as out_of_scope,
because the bot handles it that way. The classifier's own top intent (ignoring
the fallback) is reported too, for the fallback analysis.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import platform
import sys
from pathlib import Path
from typing import Any

import yaml

from nlu.evaluation import autosend
from nlu.evaluation import metrics as m
from nlu.evaluation.data import (
    Example,
    load_examples,
    stratified_folds,
    traditional_examples,
    training_extras,
)
from nlu.evaluation.labelled import score_labelled
from nlu.evaluation.models import ROOT, Parser, cv_fold_predictions, model_for, quiet_rasa_logging
from nlu.evaluation.report import write_confusion_png, write_markdown
from nlu.evaluation.routing_file import read_agent_words, read_thresholds
from nlu.evaluation.tsv import REAL_BUYERS, LabelledFileError, load_tsv

HELDOUT = ROOT / "tests" / "nlu_heldout" / "heldout.yml"
TRAINING = ROOT / "data" / "nlu"
PIPELINES = {"ours": ("config.yml", ""), "baseline": ("nlu/evaluation/baseline_config.yml", "baseline-")}
ROUTING = ROOT / "responses" / "routing.yml"
SWEEP = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
logger = logging.getLogger("nlu.evaluation.evaluate")


def fallback_settings(config: Path) -> tuple[float, float] | None:
    """(threshold, ambiguity_threshold) of the config's FallbackClassifier, if any."""
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline") or []
    for step in pipeline:
        if step.get("name") == "FallbackClassifier":
            return float(step.get("threshold", 0.3)), float(step.get("ambiguity_threshold", 0.1))
    return None


def score(examples: list[Example], predictions: list[dict[str, Any]]) -> dict[str, Any]:
    """Intent, entity and latency scores of aligned predictions."""
    gold = [e["intent"] for e in examples]
    served = [m.served_intent(p["intent"]) for p in predictions]
    raw = [p["ranking"][0][0] if p["ranking"] else m.FALLBACK for p in predictions]
    fell = [(g, r) for g, r, p in zip(gold, raw, predictions, strict=True) if p["intent"] == m.FALLBACK]
    latencies = [p["latency_ms"] for p in predictions if "latency_ms" in p]
    out = {
        "intent": m.intent_report(gold, served),
        "classifier_intent": m.intent_report(gold, raw),
        "confusion": m.confusion(gold, served),
        "entities": m.entity_report([e["entities"] for e in examples], [p["entities"] for p in predictions]),
        "fallbacks": {"count": len(fell), "classifier_wrong": sum(g != r for g, r in fell)},
        "errors": [
            {"text": e["text"], "gold": g, "served": s, "confidence": round(p["confidence"], 3)}
            for e, g, s, p in zip(examples, gold, served, predictions, strict=True)
            if g != s
        ],
    }
    if latencies:
        out["latency_ms"] = {"p50": m.percentile(latencies, 50), "p95": m.percentile(latencies, 95)}
    return out


def threshold_sweep(examples: list[Example], predictions: list[dict[str, Any]], ambiguity: float) -> list:
    """What each candidate fallback threshold would do to the held-out messages."""
    gold = [e["intent"] for e in examples]
    ranked = [p["ranking"] for p in predictions]
    return [m.fallback_outcome(gold, ranked, t, ambiguity) for t in SWEEP]


def cross_validate(config: Path, examples: list[Example], folds: int, extras: str = "") -> dict[str, Any]:
    """Pooled and per-fold intent scores of N-fold cross-validation on the training data
    (`extras`: its lookup tables, as YAML, given to every fold).

    `predictions` holds every training example's out-of-fold `autosend.Prediction` (gold,
    intent as the pipeline returned it with nlu_fallback included, confidence, grievance
    share, complaint tone): the threshold chooser's input;
    `texts` the same examples' texts, in the same order.
    """
    gold, served, per_fold, seconds, cpu, cached = [], [], [], [], [], 0
    pooled_predictions: list[autosend.Prediction] = []
    texts: list[str] = []
    for k, test_idx in enumerate(stratified_folds(examples, folds)):
        held = set(test_idx)
        train = [e for i, e in enumerate(examples) if i not in held]
        test = [examples[i] for i in test_idx]
        logger.info("cross-validation %s: fold %d/%d", config.name, k + 1, folds)
        result = cv_fold_predictions(config, train, test, extras)
        fold_gold = [e["intent"] for e in test]
        fold_served = [m.served_intent(p["intent"]) for p in result["predictions"]]
        per_fold.append(m.intent_report(fold_gold, fold_served)["macro_f1"])
        seconds.append(round(result["train_seconds"], 1))
        cpu.append(round(result.get("train_cpu_seconds", 0.0), 1))
        cached += result["cached"]
        pooled_predictions += [
            autosend.prediction(g, p) for g, p in zip(fold_gold, result["predictions"], strict=True)
        ]
        texts += [e["text"] for e in test]
        gold += fold_gold
        served += fold_served
    pooled = m.intent_report(gold, served)
    mean = sum(per_fold) / len(per_fold)
    spread = (sum((f - mean) ** 2 for f in per_fold) / len(per_fold)) ** 0.5
    return {
        "folds": folds,
        "intent": pooled,
        "fold_macro_f1": per_fold,
        "fold_macro_f1_mean": mean,
        "fold_macro_f1_std": spread,
        "fold_train_seconds": seconds,
        "fold_train_cpu_seconds": cpu,
        "folds_from_cache": cached,
        "predictions": pooled_predictions,
        "texts": texts,
    }


def current_thresholds() -> dict[str, autosend.Rule | None]:
    """The auto-send rules the gateway applies today (responses/routing.yml)."""
    from nlu.evaluation.thresholds import routed_intents

    return read_thresholds(ROUTING.read_text(encoding="utf-8"), routed_intents())


def current_agent_words() -> list[str]:
    """The words that send a message to an agent whatever its intent (responses/routing.yml)."""
    return read_agent_words(ROUTING.read_text(encoding="utf-8"))


def evaluate_pipeline(
    name: str, heldout: list[Example], traditional: list[Example], labelled: tuple[Path, list[Example]] | None
) -> dict[str, Any]:
    """Held-out (Simplified and Traditional) scores of one pipeline's project model, and
    its scores on the labelled file if any."""
    config, prefix = PIPELINES[name]
    model, timing = model_for(config, prefix)
    parser = Parser(model)
    try:
        simplified = parser.predict([e["text"] for e in heldout])
        converted = parser.predict([e["text"] for e in traditional])
        on_file = parser.predict([e["text"] for e in labelled[1]]) if labelled else None
    finally:
        parser.close()
    result = {
        "config": config,
        "model": model.name,
        "training": timing,
        "heldout": score(heldout, simplified),
        "heldout_traditional": score(traditional, converted),
    }
    settings = fallback_settings(ROOT / config)
    if settings:
        result["fallback_config"] = {"threshold": settings[0], "ambiguity_threshold": settings[1]}
        result["threshold_sweep"] = threshold_sweep(heldout, simplified, settings[1])
    if labelled and on_file is not None:
        path, examples = labelled
        # Auto-send applies to our model only: the routing file's thresholds are calibrated on it.
        thresholds = current_thresholds() if name == "ours" else None
        result["labelled"] = score_labelled(
            path,
            examples,
            on_file,
            thresholds,
            show_all_errors=path.resolve() != REAL_BUYERS.resolve(),
            agent_words=current_agent_words(),
        )
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip cross-validation")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "results" / "nlu")
    parser.add_argument(
        "--tsv",
        type=Path,
        help=f"labelled messages: text<TAB>label[<TAB>source] (default {REAL_BUYERS}, if present)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="evaluate our pipeline only")
    args = parser.parse_args(argv)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    quiet_rasa_logging(logging.INFO)  # our progress lines at INFO, Rasa's at WARNING

    tsv = args.tsv or (REAL_BUYERS if REAL_BUYERS.exists() else None)
    try:  # a bad file stops the run before any training
        labelled = (tsv, load_tsv(tsv)) if tsv else None
    except LabelledFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pipelines = ["ours"] if args.no_baseline else list(PIPELINES)

    heldout = load_examples(HELDOUT)
    traditional = traditional_examples(heldout)
    report: dict[str, Any] = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "heldout_messages": len(heldout),
        "traditional_entities_dropped": sum(e["entities_dropped"] for e in traditional),
        "pipelines": {},
    }
    if labelled:
        report["labelled_file"] = str(labelled[0])
    for name in pipelines:
        logger.info("held-out%s: %s", " and labelled file" if labelled else "", name)
        report["pipelines"][name] = evaluate_pipeline(name, heldout, traditional, labelled)
    if not args.quick:
        training = load_examples(TRAINING)
        extras = training_extras(TRAINING)
        report["training_examples"] = len(training)
        for name in pipelines:
            cv = cross_validate(ROOT / PIPELINES[name][0], training, args.folds, extras)
            predictions = cv.pop("predictions")  # thousands of rows: the table is what the report needs
            texts = cv.pop("texts")
            if name == "ours":
                held = autosend.hold_agent_words(predictions, texts, current_agent_words())
                cv["autosend"] = autosend.autosend_table(held, current_thresholds())
            report["pipelines"][name]["cross_validation"] = cv

    args.out.mkdir(parents=True, exist_ok=True)
    for name, result in report["pipelines"].items():
        write_confusion_png(
            result["heldout"]["confusion"], args.out / f"confusion-{name}.png", f"held-out, {name}"
        )
        if "labelled" in result:
            stem = Path(result["labelled"]["file"]).stem
            write_confusion_png(
                result["labelled"]["whole"]["confusion"],
                args.out / f"confusion-{stem}-{name}.png",
                f"{stem}: {name}",
            )
    (args.out / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=float), encoding="utf-8"
    )
    (args.out / "report.md").write_text(write_markdown(report), encoding="utf-8")
    scores = ", ".join(
        f"{n} {r['heldout']['intent']['macro_f1']:.3f}" for n, r in report["pipelines"].items()
    )
    print(f"held-out macro-F1: {scores}; report: {args.out / 'report.md'}")
    ours = report["pipelines"]["ours"].get("labelled")
    if ours:
        whole, sent = ours["whole"], ours["whole"]["autosend"]["overall"]
        print(
            f"{Path(ours['file']).name} (ours, {whole['intent']['n']} messages): macro-F1 {whole['macro_f1_all']:.3f}, "
            f"over the {len(ours['large_intents'])} intents with >= {ours['min_rows']} rows {whole['macro_f1_large']:.3f}, "
            f"accuracy {whole['intent']['accuracy']:.3f}; auto-send {100 * sent['coverage']:.1f}% of messages, "
            f"{100 * sent['wrong_rate']:.1f}% of them wrong, {sent['harmful']} harmful"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
