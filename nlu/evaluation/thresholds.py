"""Recompute the auto-send thresholds from data and write them into responses/routing.yml.

    .venv-rasa/bin/python -m nlu.evaluation.thresholds [--dry-run] [--folds N] [--tsv PATH]   (make thresholds)

Out-of-fold predictions of N-fold cross-validation on data/nlu (the evaluation's
fold code and cache) choose each intent's rule: the lowest threshold at which the
intent's auto-sent answers are >= 99% right with no harmful confusion, with the
grievance and complaint-tone caps under which that sends the most (nlu.evaluation.autosend), else never.
A labelled file of real messages (the real-buyer set by default, `--tsv` for a shop's
own) is parsed with the project's model. The whole file must pass the same rule at the
chosen threshold (`--no-gate`: cross-validation alone): a harmful answer among real
messages is rare, and every one the gate sees is one that cannot slip through. Its mix
of intents weighs the cross-validation answers, so precision is judged on buyers' mix
rather than on our training data's (`--no-prior`: unweighted; autosend.prior_weights).
A gate cannot also measure itself, so the report estimates what the rules do on new
messages by cross-fitting: each half of the file under rules held to the other half
alone. Prints the diff of the routing file for review; `--dry-run` prints it without
writing.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import os
from pathlib import Path
from typing import Any

from nlu.evaluation import autosend
from nlu.evaluation.models import ROOT, quiet_rasa_logging
from nlu.evaluation.routing_file import read_agent_words, read_thresholds, update_text
from nlu.evaluation.tsv import REAL_BUYERS, domain_intents, load_tsv, split_halves

ROUTING = ROOT / "responses" / "routing.yml"
logger = logging.getLogger("nlu.evaluation.thresholds")


def routed_intents() -> list[str]:
    """The domain's intents and nlu_fallback: every name the routing file may list."""
    return [*domain_intents(), "nlu_fallback"]


def cv_predictions(folds: int) -> tuple[list[str], list[autosend.Prediction]]:
    """Texts and out-of-fold predictions (with grievance shares) of every training example (cached folds)."""
    from nlu.evaluation.data import load_examples, training_extras
    from nlu.evaluation.evaluate import TRAINING, cross_validate

    training = load_examples(TRAINING)
    result = cross_validate(ROOT / "config.yml", training, folds, training_extras(TRAINING))
    return result["texts"], result["predictions"]


def file_predictions(path: Path) -> tuple[list[str], list[autosend.Prediction]]:
    """Texts and predictions of a labelled file, parsed by the project's model."""
    from nlu.evaluation.models import Parser, model_for, simplify

    examples = load_tsv(path)
    model, _ = model_for("config.yml", "")
    parser = Parser(model)
    try:
        rows = [autosend.prediction(e["intent"], simplify(parser.parse(e["text"]))) for e in examples]
    finally:
        parser.close()
    return [e["text"] for e in examples], rows


def table_lines(title: str, table: dict[str, Any]) -> list[str]:
    """A short text rendering of an auto-send table."""
    o = table["overall"]
    lines = [
        f"{title}: auto-sent {o['sent']} of {o['messages']} ({100 * o['coverage']:.1f}%), "
        f"wrong {o['wrong']} ({100 * o['wrong_rate']:.1f}%), harmful {o['harmful']}"
    ]
    for intent, r in table["per_intent"].items():
        cap = f"  grievance <= {r['max_grievance']:.2f}" if r["max_grievance"] < 1.0 else ""
        cap += f"  tone <= {r['max_tone']:.2f}" if r["max_tone"] < 1.0 else ""
        lines.append(
            f"  {intent:<18} >= {r['threshold']:.2f}  sent {r['sent']:>4}  wrong {r['wrong']:>3}  "
            f"harmful {r['harmful']}{cap}"
        )
    return lines


def weight_lines(weights: dict[str, float] | None) -> list[str]:
    """The prior weights, lightest first (what a cross-validation answer of each gold intent counts)."""
    if weights is None:
        return ["cross-validation answers unweighted (training data's mix of intents)"]
    ordered = sorted(weights.items(), key=lambda item: item[1])
    return [
        "cross-validation answers weighed by the labelled file's mix of intents: "
        + ", ".join(f"{gold} {weight:.2f}" for gold, weight in ordered)
    ]


def main(argv: list[str] | None = None) -> int:
    """Choose, check, diff and (unless --dry-run) write the thresholds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the diff without writing")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument("--routing", type=Path, default=ROUTING)
    parser.add_argument("--tsv", type=Path, default=None, help=f"labelled check file (default {REAL_BUYERS})")
    parser.add_argument("--precision", type=float, default=autosend.TARGET_PRECISION)
    parser.add_argument("--min-support", type=int, default=autosend.MIN_SUPPORT)
    parser.add_argument(
        "--no-gate", action="store_true", help="do not hold thresholds to the labelled file's messages"
    )
    parser.add_argument(
        "--no-grievance-cap", action="store_true", help="thresholds alone (no max_grievance, no max_tone)"
    )
    parser.add_argument(
        "--no-prior",
        action="store_true",
        help="judge precision on the training data's mix of intents, not the labelled file's",
    )
    args = parser.parse_args(argv)
    caps = (1.0,) if args.no_grievance_cap else autosend.GRIEVANCE_CAPS
    tone_caps = (1.0,) if args.no_grievance_cap else autosend.TONE_CAPS
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    quiet_rasa_logging(logging.INFO)

    intents = routed_intents()
    old_text = args.routing.read_text(encoding="utf-8")
    current = read_thresholds(old_text, intents)
    # A message with one of the routing file's agent words never goes out on its own:
    # it cannot count for or against an intent's threshold.
    words = read_agent_words(old_text)
    oof_texts, oof = cv_predictions(args.folds)
    oof = autosend.hold_agent_words(oof, oof_texts, words)
    check = args.tsv or (REAL_BUYERS if REAL_BUYERS.exists() else None)
    texts, rows = file_predictions(check) if check is not None else ([], [])
    rows = autosend.hold_agent_words(rows, texts, words)
    halves = {
        half: [rows[i] for i in idx] for half, idx in split_halves([{"text": t} for t in texts]).items()
    }

    def choose(labelled: list[autosend.Prediction]) -> tuple[dict, dict[str, float] | None]:
        """Rules held to `labelled` (real messages) and weighed by its mix of intents."""
        weights = None
        if labelled and not args.no_prior:
            weights = autosend.prior_weights([p.gold for p in oof], [p.gold for p in labelled])
        gate = [] if args.no_gate else labelled
        rules = autosend.choose_rules(
            oof,
            intents,
            precision=args.precision,
            min_support=args.min_support,
            gate=gate,
            caps=caps,
            tone_caps=tone_caps,
            weights=weights,
        )
        return rules, weights

    chosen, weights = choose(rows)
    report = weight_lines(weights) + table_lines(
        f"cross-validation ({args.folds} folds), current thresholds", autosend.autosend_table(oof, current)
    )
    report += table_lines("cross-validation, new thresholds", autosend.autosend_table(oof, chosen))
    if check is not None:
        held = "" if args.no_gate else " (held to it)"
        for name, new_or_old in (("current", current), (f"new{held}", chosen)):
            report += table_lines(
                f"{check.name}, whole file, {name} thresholds", autosend.autosend_table(rows, new_or_old)
            )
        for half, other in (("analysis", "check"), ("check", "analysis")):
            estimate, _ = choose(halves[other])
            report += table_lines(
                f"{check.name}, {half} half, thresholds chosen the same way on the {other} half "
                "(an estimate for new messages)",
                autosend.autosend_table(halves[half], estimate),
            )
    print("\n".join(report))

    new_text = update_text(old_text, chosen)
    diff = "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            str(args.routing),
            str(args.routing),
        )
    )
    print(diff or f"{args.routing}: no change")
    if not args.dry_run and new_text != old_text:
        args.routing.write_text(new_text, encoding="utf-8")
        print(f"written: {args.routing}")
    elif args.dry_run:
        print("dry run: nothing written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
