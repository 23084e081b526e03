"""`python -m bench`: run the benchmarks, write bench/results/latest.{json,md}.

Starts everything it needs (PostgreSQL, demo shops, action server, Rasa
servers) on 127.0.0.1 and stops it all on exit, also on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from bench.report import machine, markdown, targets
from bench.run import Options, Runner, log
from bench.training import measure_training

RESULTS = Path(__file__).with_name("results")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="short phases: checks the harness, measures little"
    )
    parser.add_argument("--no-training", action="store_true", help="skip the training-time phase")
    parser.add_argument("--no-promote", action="store_true", help="skip the promote-under-load phase")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only (no PostgreSQL phases)")
    parser.add_argument("--servers", type=int, default=2, help="our Rasa server processes (default 2)")
    parser.add_argument(
        "--model", type=Path, help="our model (default: the current data's, trained if missing)"
    )
    parser.add_argument(
        "--stock-model",
        type=Path,
        help="the stock setup's model (default: nlu/evaluation/baseline_config.yml's)",
    )
    parser.add_argument(
        "--stock-epochs",
        type=int,
        help="train the stock reference with N epochs (busy machine; same inference cost)",
    )
    parser.add_argument(
        "--full-stock",
        action="store_true",
        help="train the true stock reference if missing (DIET 100 epochs: about 20 min on 2 cores)",
    )
    parser.add_argument("--train-budget", type=float, default=420, help="time for the four trainings, s")
    parser.add_argument(
        "--only-training", action="store_true", help="only the training phase: <out>/training.json"
    )
    parser.add_argument(
        "--merge-training",
        type=Path,
        help="put a separately measured training.json into <out>/latest.* and stop",
    )
    parser.add_argument("--note", action="append", default=[], help="a remark for the report (repeatable)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = parser.parse_args(argv)
    if args.merge_training:
        results = json.loads((args.out / "latest.json").read_text(encoding="utf-8"))
        results["training"] = {
            **json.loads(args.merge_training.read_text(encoding="utf-8")),
            "measured_separately": "python -m bench --only-training, during the run (same machine)",
        }
        results.setdefault("notes", []).extend(args.note)
        write_results(args.out, "latest", results)
        return 0
    # SIGTERM must unwind like Ctrl-C so every server we started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    options = Options(
        out=args.out,
        servers=args.servers,
        training=not args.no_training,
        promote=not args.no_promote,
        pg=not args.no_pg,
        quick=args.quick,
        model=args.model.resolve() if args.model else None,
        stock_model=args.stock_model.resolve() if args.stock_model else None,
        train_budget_s=args.train_budget,
        stock_epochs=args.stock_epochs,
        full_stock=args.full_stock,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    if args.only_training:
        training = measure_training(budget_s=args.train_budget, log_dir=args.out / "raw", log=log)
        training["machine"] = machine()
        (args.out / "training.json").write_text(json.dumps(training, indent=2), encoding="utf-8")
        log(f"training: {training}")
        return 0
    results = Runner(options).run()
    results["mode"] = "quick" if args.quick else "full"
    results["machine"] = machine()
    results["notes"] = results.get("notes", []) + list(args.note)
    write_results(args.out, "quick" if args.quick else "latest", results)
    return 0


def write_results(out: Path, name: str, results: dict) -> None:
    results["targets"] = targets(results)
    (out / f"{name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / f"{name}.md").write_text(markdown(results), encoding="utf-8")
    log(f"results: {out / (name + '.md')}")
    for t in results["targets"]:
        log(f"  {t['target']}: {t['value']} (limit {t['limit']}) -> {t['met']}")


if __name__ == "__main__":
    sys.exit(main())
