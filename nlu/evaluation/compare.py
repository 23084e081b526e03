"""Two models side by side on the same held-out file (Rasa env), for `trainer evaluate`.

Uses the evaluation's loader, parser, metric and plot functions (nlu.evaluation.data,
nlu.evaluation.classify, nlu.evaluation.metrics, nlu.evaluation.report) so the numbers are the same as
`make evaluate`; adds what a promotion needs: the live model's
scores next to the candidate's, and how both classify the messages trainers
labelled since. Writes one JSON file; the app env decides what it means.

    python -m nlu.evaluation.compare --heldout tests/nlu_heldout/heldout.yml \
        --candidate models/a.tar.gz [--live models/b.tar.gz] [--texts labels.json] \
        --out var/trainer/comparison.json --png-dir var/trainer
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from nlu.evaluation.classify import load_parser
from nlu.evaluation.data import load_examples
from nlu.evaluation.metrics import confusion, intent_report, served_intent
from nlu.evaluation.models import quiet_rasa_logging
from nlu.evaluation.report import write_confusion_png


def _classify(model: Path, texts: List[str]) -> List[Dict[str, Any]]:
    parse = load_parser(model)
    out = []
    for text in texts:
        intent = parse(text).get("intent") or {}
        name = served_intent(intent.get("name") or "nlu_fallback")
        out.append({"intent": name, "confidence": float(intent.get("confidence") or 0.0)})
    return out


def evaluate_model(
    name: str, model: Path, heldout: List[Dict[str, Any]], texts: List[str], png_dir: Path
) -> Dict[str, Any]:
    predictions = _classify(model, [e["text"] for e in heldout] + texts)
    gold = [served_intent(e["intent"]) for e in heldout]
    predicted = [p["intent"] for p in predictions[: len(heldout)]]
    report = intent_report(gold, predicted)
    table = confusion(gold, predicted)
    png = png_dir / f"confusion_{name}.png"
    write_confusion_png(table, png, f"held-out, {name}: {model.name}")
    return {
        "model": str(model),
        "macro_f1": report["macro_f1"],
        "accuracy": report["accuracy"],
        "per_intent": report["per_intent"],
        "confusion_png": str(png),
        "texts": predictions[len(heldout) :],
    }


def compare(
    heldout: Path, candidate: Path, live: Optional[Path], texts: List[str], png_dir: Path
) -> Dict[str, Any]:
    examples = load_examples(heldout)
    png_dir.mkdir(parents=True, exist_ok=True)
    models = {"candidate": evaluate_model("candidate", candidate, examples, texts, png_dir)}
    if live is not None:
        models["live"] = evaluate_model("live", live, examples, texts, png_dir)
    return {"heldout": str(heldout), "n": len(examples), "models": models}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, required=True)
    parser.add_argument("--candidate", type=Path, required=True)
    parser.add_argument("--live", type=Path)
    parser.add_argument("--texts", type=Path, help="JSON list of extra texts to classify")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--png-dir", type=Path, required=True)
    args = parser.parse_args()
    quiet_rasa_logging()
    texts = json.loads(args.texts.read_text(encoding="utf-8")) if args.texts else []
    result = compare(args.heldout, args.candidate, args.live, texts, args.png_dir)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
