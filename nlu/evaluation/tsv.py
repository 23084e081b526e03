"""Labelled message files for the evaluation: `text<TAB>label[<TAB>source]`, one per line.

The real-buyer development set (`../shared/real-buyers/dev.tsv`) and a shop's own
labelled export use this format. A first line `text<TAB>label...` is a header.
Every label must be one of the domain's intents; a bad row stops the load with
its line number, because a silently skipped row would change the scores.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from nlu.evaluation.data import Example

ROOT = Path(__file__).resolve().parents[2]
# Beside the project (CI checks out ../shared/ next to it too); read at run time, never copied.
REAL_BUYERS = ROOT.parent / "shared" / "real-buyers" / "dev.tsv"
HALVES = {0: "analysis", 1: "check"}


class LabelledFileError(ValueError):
    """The labelled file is unusable; the message names the file and the line."""


def domain_intents(domain: Path = ROOT / "domain.yml") -> list[str]:
    """The intents the model can be scored on (the domain's list)."""
    return list(yaml.safe_load(domain.read_text(encoding="utf-8"))["intents"])


def load_tsv(path: str | Path, intents: list[str] | None = None) -> list[Example]:
    """Examples `{"text", "intent", "entities": [], "source", "line"}` of a labelled TSV file."""
    path = Path(path)
    known = set(intents if intents is not None else domain_intents())
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelledFileError(f"{path}: cannot read it as UTF-8 text ({exc})") from exc
    examples: list[Example] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if number == 1 and [c.strip().lower() for c in cells[:2]] == ["text", "label"]:
            continue  # header
        if len(cells) not in (2, 3):
            raise LabelledFileError(
                f"{path}, line {number}: expected 2 or 3 tab-separated columns "
                f"(text, label[, source]), found {len(cells)}"
            )
        text, label = cells[0].strip(), cells[1].strip()
        if not text:
            raise LabelledFileError(f"{path}, line {number}: the text is empty")
        if label not in known:
            raise LabelledFileError(
                f"{path}, line {number}: unknown label {label!r}; known labels: {', '.join(sorted(known))}"
            )
        source = cells[2].strip() if len(cells) == 3 else ""
        examples.append({"text": text, "intent": label, "entities": [], "source": source, "line": number})
    if not examples:
        raise LabelledFileError(f"{path}: no labelled rows")
    return examples


def half_of(text: str) -> str:
    """'analysis' or 'check': the fixed split every NLU engineer uses (nlu-common brief)."""
    return HALVES[int(hashlib.md5(text.encode("utf-8")).hexdigest(), 16) % 2]


def split_halves(examples: list[Example]) -> dict[str, list[int]]:
    """Indices of the analysis and check halves."""
    out: dict[str, list[int]] = {name: [] for name in HALVES.values()}
    for i, example in enumerate(examples):
        out[half_of(example["text"])].append(i)
    return out
