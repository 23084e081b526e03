"""Two models side by side on the same held-out file (Rasa env), for `trainer evaluate`.

Uses the evaluation's loader, parser, metric and plot functions (nlu.evaluation.data,
nlu.evaluation.classify, nlu.evaluation.metrics, nlu.evaluation.report) so the numbers are the same as
`make evaluate`; adds what a promotion needs: the live model's
scores next to the candidate's, and how both classify the messages trainers
labelled since. With `--tsv` (a labelled file: the real-buyer set or a shop's own
export) both models are scored on it too, as numbers and intent names only: the
file's texts are never written (the real-buyer set is for research use).
Writes one JSON file and the confusion pictures (each model's, and the cells
that changed; on the labelled file the candidate's and the cells that changed);
the app env decides what it means. Progress lines go to stdout.

    python -m nlu.evaluation.compare --heldout tests/nlu_heldout/heldout.yml \
        --candidate models/a.tar.gz [--live models/b.tar.gz] [--texts labels.json] \
        [--tsv ../shared/real-buyers/dev.tsv --domain domain.yml] \
        --out var/trainer/comparison.json --png-dir var/trainer
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from nlu.evaluation.classify import load_parser
from nlu.evaluation.data import Example, load_examples
from nlu.evaluation.labelled import file_numbers
from nlu.evaluation.metrics import confusion, intent_report, served_intent
from nlu.evaluation.models import quiet_rasa_logging
from nlu.evaluation.report import write_change_png, write_confusion_png
from nlu.evaluation.tsv import LabelledFileError, domain_intents, load_tsv

Labelled = Tuple[Path, List[Example]]


def progress(line: str) -> None:
    """One line the trainer's page shows while the evaluation runs."""
    print(f"progress: {line}", flush=True)


def _classify(model: Path, texts: List[str]) -> List[Dict[str, Any]]:
    parse = load_parser(model)
    out = []
    for text in texts:
        intent = parse(text).get("intent") or {}
        name = served_intent(intent.get("name") or "nlu_fallback")
        out.append({"intent": name, "confidence": float(intent.get("confidence") or 0.0)})
    return out


def evaluate_model(
    name: str,
    model: Path,
    heldout: List[Dict[str, Any]],
    texts: List[str],
    png_dir: Path,
    labelled: Optional[Labelled] = None,
) -> Dict[str, Any]:
    on_file = labelled[1] if labelled else []
    progress(f"{name}: classifying {len(heldout) + len(texts) + len(on_file)} messages / 分类中")
    predictions = _classify(model, [e["text"] for e in heldout] + texts + [e["text"] for e in on_file])
    gold = [served_intent(e["intent"]) for e in heldout]
    predicted = [p["intent"] for p in predictions[: len(heldout)]]
    report = intent_report(gold, predicted)
    table = confusion(gold, predicted)
    png = png_dir / f"confusion_{name}.png"
    write_confusion_png(table, png, f"held-out, {name}: {model.name}")
    end_texts = len(heldout) + len(texts)
    result = {
        "model": str(model),
        "macro_f1": report["macro_f1"],
        "accuracy": report["accuracy"],
        "per_intent": report["per_intent"],
        "confusion": table,
        "confusion_png": str(png),
        "texts": predictions[len(heldout) : end_texts],
    }
    if labelled:
        result["labelled_file"] = scores = file_numbers(labelled[0], labelled[1], predictions[end_texts:])
        if name == "candidate":
            write_confusion_png(
                scores["confusion"], png_dir / "confusion_file_candidate.png", f"{labelled[0].name}, {name}"
            )
    return result


def load_labelled(path: Optional[Path], domain: Optional[Path]) -> Tuple[Optional[Labelled], Dict[str, Any]]:
    """The labelled file's examples, and what the comparison says about the file."""
    if path is None:
        return None, {}
    try:
        examples = load_tsv(path, domain_intents(domain) if domain else None)
    except LabelledFileError as exc:  # the message names the line and the label, never the text
        return None, {"file": str(path), "error": str(exc)}
    return (path, examples), {"file": str(path), "messages": len(examples)}


def compare(
    heldout: Path,
    candidate: Path,
    live: Optional[Path],
    texts: List[str],
    png_dir: Path,
    tsv: Optional[Path] = None,
    domain: Optional[Path] = None,
) -> Dict[str, Any]:
    examples = load_examples(heldout)
    labelled, about_file = load_labelled(tsv, domain)
    png_dir.mkdir(parents=True, exist_ok=True)
    models = {"candidate": evaluate_model("candidate", candidate, examples, texts, png_dir, labelled)}
    if live is not None:
        models["live"] = evaluate_model("live", live, examples, texts, png_dir, labelled)
    result: Dict[str, Any] = {"heldout": str(heldout), "n": len(examples), "models": models}
    if live is not None:
        change = png_dir / "confusion_change.png"
        write_change_png(models["candidate"]["confusion"], models["live"]["confusion"], change, "held-out")
        result["confusion_change_png"] = str(change)
    if labelled:
        about_file["confusion_pngs"] = {"file_candidate": str(png_dir / "confusion_file_candidate.png")}
        if live is not None:
            file_change = png_dir / "confusion_file_change.png"
            numbers = [models[m]["labelled_file"]["confusion"] for m in ("candidate", "live")]
            write_change_png(*numbers, file_change, labelled[0].name)
            about_file["confusion_pngs"]["file_change"] = str(file_change)
    if about_file:
        result["labelled_file"] = about_file
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, required=True)
    parser.add_argument("--candidate", type=Path, required=True)
    parser.add_argument("--live", type=Path)
    parser.add_argument("--texts", type=Path, help="JSON list of extra texts to classify")
    parser.add_argument("--tsv", type=Path, help="labelled messages: text<TAB>label[<TAB>source]")
    parser.add_argument("--domain", type=Path, help="the domain whose intents the --tsv labels must be")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--png-dir", type=Path, required=True)
    args = parser.parse_args()
    quiet_rasa_logging()
    texts = json.loads(args.texts.read_text(encoding="utf-8")) if args.texts else []
    result = compare(args.heldout, args.candidate, args.live, texts, args.png_dir, args.tsv, args.domain)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
