"""Long buyer messages parse in linear time: ``python -m bench.parsers`` (not part of ``make bench``).

The speed guard against catastrophic regex backtracking in nlu/text
(measurements, numbers, entity rules): a buyer can paste anything, and one
message must never hold a Rasa worker for seconds. Times `extract_entities`
(which runs `parse_measurements` too) on repetitive inputs that make a
backtracking pattern explode, at 5,000 characters and at four times that, and
checks two targets: a 5,000-character message parses in <= 0.5 s, and four
times the text takes <= 10x the time (linear is 4x; quadratic would be 16x).
Runs in either env (nlu/text is pure Python). Writes bench/results/parsers.md;
exits 1 when a target is missed. The results tests
(tests/nlu/text/test_parsers.py) check what such inputs parse to.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from nlu.text.extract import extract_entities, load_catalogue
from paths import PROJECT_ROOT

RESULTS = Path(__file__).with_name("results") / "parsers.md"
CATALOGUE = PROJECT_ROOT / "data" / "lexicon" / "catalogue.json"
LENGTH = 5_000
GROWTH = 4  # the longer input is this many times LENGTH
TARGET_S = 0.5
TARGET_GROWTH = 10.0  # between linear (4x) and quadratic (16x), with room for a busy machine
# Repeated units that keep number, unit and lexicon patterns trying at every position.
UNITS = {
    "一": "Chinese numerals",
    "1米": "number + unit",
    "身高": "measurement keyword",
    "红色": "lexicon word",
    "1.": "digits and dots",
    "身高1米6体重": "a measurement, over and over",
    "M码L码": "sizes",
    "😀 ": "emoji and spaces",
}


def _parse_seconds(text: str, catalogue: dict) -> float:
    began = time.perf_counter()
    extract_entities(text, catalogue)
    return time.perf_counter() - began


def _repeated(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def measure(repeats: int = 5) -> list[dict]:
    """Each unit's fastest parse at both lengths (the machine is shared: the minimum is the code's)."""
    catalogue = load_catalogue(CATALOGUE)
    rows = []
    for unit, what in UNITS.items():
        short_text, long_text = _repeated(unit, LENGTH), _repeated(unit, LENGTH * GROWTH)
        short = long = float("inf")
        for _ in range(repeats):  # alternated, so that both lengths meet the same load
            short = min(short, _parse_seconds(short_text, catalogue))
            long = min(long, _parse_seconds(long_text, catalogue))
        rows.append({"unit": unit, "what": what, "short_s": short, "long_s": long, "growth": long / short})
    return rows


def report(rows: list[dict]) -> tuple[str, bool]:
    lines = [
        "# Long messages through the NLU parsers (`python -m bench.parsers`)",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, best of 5 per input, this machine"
        f" (load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}).",
        f"Targets: {LENGTH:,} characters in <= {TARGET_S} s; {GROWTH}x the text in <= {TARGET_GROWTH:g}x"
        " the time (linear: 4x).",
        "",
        f"| repeated unit | what it stresses | {LENGTH:,} chars | {LENGTH * GROWTH:,} chars | growth | met |",
        "|---|---|---|---|---|---|",
    ]
    all_met = True
    for r in rows:
        met = r["short_s"] <= TARGET_S and r["growth"] <= TARGET_GROWTH
        all_met &= met
        lines.append(
            f"| `{r['unit'].strip() or r['unit']}` | {r['what']} | {1000 * r['short_s']:.1f} ms"
            f" | {1000 * r['long_s']:.1f} ms | {r['growth']:.1f}x | {'yes' if met else 'NO'} |"
        )
    return "\n".join(lines) + "\n", all_met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parsers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the markdown table goes")
    args = parser.parse_args(argv)
    text, all_met = report(measure())
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
