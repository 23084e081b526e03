"""Reading and adding NLU examples in `data/nlu/*.yml` without disturbing them.

A new example is inserted as one line at the end of its intent's
`examples: |` literal block, so every other byte of the file (comments,
ordering, quoting) stays as it was. In a literal block nothing is escaped:
quotes, colons, `#`, backslashes and a leading `-` are plain text there. What
does need care is what Rasa does after YAML: it splits the block into lines
and reads `[text](entity)`, `[text]{...}` and `[text][...]` as entity
annotations, so such brackets are written full-width (［］).

Entity annotations: our training data has none (entities come from the
rule-based extractors, docs/architecture.md), so examples are written as plain
text. `annotate` writes the model's entities as annotations only for entity
types the training data already annotates.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from trainer import realbuyers
from trainer.textnorm import BadText, clean, key

# Rasa's own annotation pattern (rasa/shared/nlu/training_data/entities_parser.py).
ENTITY_REGEX = re.compile(
    r"\[(?P<entity_text>[^\]]+?)\](\((?P<entity>[^:)]+?)(?:\:(?P<value>[^)]+))?\)|\{(?P<entity_dict>[^}]+?)\}|\[(?P<list_entity_dicts>.*?)\])"
)
_INTENT_LINE = re.compile(r"^(?P<indent>\s*)-\s+intent:\s*['\"]?(?P<name>[^'\"#\s]+)['\"]?\s*(#.*)?$")
_EXAMPLES_LINE = re.compile(r"^\s*examples:\s*\|[-+]?\s*(#.*)?$")
NEW_FILE_HEADER = 'version: "3.1"\n\nnlu:\n'


class Refused(Exception):
    """The example was not written; the message says why and what to do."""


@dataclass(frozen=True)
class Example:
    """One training example as Rasa reads it (annotations removed)."""

    text: str
    intent: str
    file: Path
    line: int  # 1-based line in the file


def plain(example: str) -> str:
    """The example without entity annotation markup, as the model sees it."""
    return ENTITY_REGEX.sub(lambda m: m.group("entity_text"), example)


def read_examples(path: Path) -> list[Example]:
    """Every intent example in one Rasa NLU file, with its line number."""
    found: list[Example] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for start, end, intent in _intent_blocks(lines):
        for number in range(start, end):
            stripped = lines[number].strip()
            if stripped.startswith("-"):
                found.append(Example(plain(stripped[1:].strip()), intent, path, number + 1))
    return found


def load_all(paths: list[Path]) -> list[Example]:
    return [example for path in paths for example in read_examples(path)]


def domain_intents(domain: Path) -> list[str]:
    data = YAML(typ="safe").load(domain.read_text(encoding="utf-8")) or {}
    names = [next(iter(i)) if isinstance(i, dict) else str(i) for i in data.get("intents") or []]
    return sorted(names)


def annotated_entity_types(examples: list[str]) -> set[str]:
    """Entity types the training data annotates (none today: entities come from rules)."""
    types: set[str] = set()
    for text in examples:
        for match in ENTITY_REGEX.finditer(text):
            if match.group("entity"):
                types.add(match.group("entity").strip())
            elif match.group("entity_dict"):
                try:
                    types.add(json.loads("{" + match.group("entity_dict") + "}")["entity"])
                except (ValueError, KeyError):
                    pass
    return types


def escape(text: str) -> str:
    """Brackets that Rasa would read as an annotation become full-width."""
    if not ENTITY_REGEX.search(text):
        return text
    return text.replace("[", "［").replace("]", "］")


def annotate(text: str, entities: list[dict[str, Any]], allowed: set[str]) -> str:
    """`text` with `[span]{"entity": ..., "value": ...}` for entities of an allowed type."""
    out, pos = [], 0
    usable = [e for e in entities if e.get("entity") in allowed and e.get("start") is not None]
    for ent in sorted(usable, key=lambda e: e["start"]):
        start, end = int(ent["start"]), int(ent["end"])
        if start < pos or end > len(text) or start >= end:
            continue  # overlapping or stale offsets: leave the span unannotated
        meta = json.dumps({"entity": ent["entity"], "value": str(ent.get("value", ""))}, ensure_ascii=False)
        out += [escape(text[pos:start]), f"[{escape(text[start:end])}]{meta}"]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _intent_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first, end) line indexes of each intent's literal block content, and the intent."""
    blocks = []
    i = 0
    while i < len(lines):
        match = _INTENT_LINE.match(lines[i])
        if not match:
            i += 1
            continue
        intent, item_indent = match.group("name"), len(match.group("indent"))
        j = i + 1
        while j < len(lines) and not _EXAMPLES_LINE.match(lines[j]):
            if lines[j].strip() and _indent(lines[j]) <= item_indent:
                break
            j += 1
        if j >= len(lines) or not _EXAMPLES_LINE.match(lines[j]):
            i = j
            continue
        key_indent = _indent(lines[j])
        end = j + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > key_indent):
            end += 1
        blocks.append((j + 1, end, intent))
        i = end
    return blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def file_for(intent: str, nlu_dir: Path) -> Path:
    """The file that already holds the intent, else a new `data/nlu/<intent>.yml`."""
    for path in sorted(nlu_dir.glob("*.yml")):
        if any(e.intent == intent for e in read_examples(path)):
            return path
    return nlu_dir / f"{intent}.yml"


def insert_example(path: Path, intent: str, example: str) -> int:
    """Writes `example` as the last line of the intent's block; returns its line number."""
    if not path.exists():
        path.write_text(NEW_FILE_HEADER + f"- intent: {intent}\n  examples: |\n    - {example}\n", "utf-8")
        return 6
    with open(path, encoding="utf-8", newline="") as f:  # keep CRLF files CRLF
        lines = f.read().splitlines(keepends=True)
    bare = [line.rstrip("\r\n") for line in lines]
    blocks = [b for b in _intent_blocks(bare) if b[2] == intent]
    if not blocks:
        raise Refused(f"{path.name} has no examples block for {intent}")
    start, end, _ = blocks[-1]  # an intent split over blocks grows at its last one
    content = [n for n in range(start, end) if bare[n].strip()]
    last = content[-1] if content else start - 1
    indent = " " * (_indent(bare[content[0]]) if content else _indent(bare[start - 1]) + 2)
    newline = "\r\n" if lines[last].endswith("\r\n") else "\n"
    if not lines[last].endswith(("\n", "\r")):
        lines[last] += newline  # the block was the file's last line, without a line break
    lines.insert(last + 1, f"{indent}- {example}{newline}")
    tmp = path.with_suffix(".yml.tmp")
    tmp.write_text("".join(lines), encoding="utf-8", newline="")
    tmp.replace(path)
    return last + 2


@dataclass(frozen=True)
class Written:
    """Where an example went and exactly what was written."""

    file: Path
    line: int
    text: str
    changed: bool  # True when the written text differs from what was given (joined, brackets)


def add_example(
    text: str,
    intent: str,
    *,
    nlu_dir: Path,
    domain: Path,
    heldout: Path | None = None,
    real_buyers: Path | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> Written:
    """Adds one phrasing under `intent`, refusing unknown intents, duplicates and conflicts.

    Also refused: a held-out phrasing, and a copy or close variant of a real buyer's
    message when `real_buyers` is a folder holding them (trainer.realbuyers).
    """
    intents = domain_intents(domain)
    if intent not in intents:
        raise Refused(f"unknown intent '{intent}'. Valid intents / 可用意图: {', '.join(intents)}")
    try:
        cleaned = clean(text)
    except BadText as exc:
        raise Refused(str(exc)) from exc
    wanted = key(cleaned)
    existing = load_all(sorted(nlu_dir.glob("*.yml")))
    for ex in existing:
        if key(ex.text) != wanted:
            continue
        where = f"{ex.file.name} line {ex.line}: '{ex.text}'"
        if ex.intent == intent:
            raise Refused(f"already there (same phrasing) / 已有相同说法: {where}")
        raise Refused(f"this phrasing is already filed under '{ex.intent}' / 已归入其他意图: {where}")
    if heldout is not None and heldout.exists():
        for ex in read_examples(heldout):
            if key(ex.text) == wanted:
                raise Refused(
                    "this phrasing is in the held-out test set; training on it would make the "
                    "evaluation lie / 这句在测试集里，不能用来训练"
                )
    if real_buyers is not None:
        match = realbuyers.find(wanted, realbuyers.load_keys(real_buyers))
        if match is not None:
            raise Refused(match.refusal())
    # read_examples strips markup: the annotated types come from the raw lines.
    allowed = annotated_entity_types(_raw_examples(nlu_dir)) if entities else set()
    final = annotate(cleaned, entities or [], allowed)
    path = file_for(intent, nlu_dir)
    line = insert_example(path, intent, final)
    return Written(path, line, final, changed=final != text)


def _raw_examples(nlu_dir: Path) -> list[str]:
    texts = []
    for path in sorted(nlu_dir.glob("*.yml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for start, end, _ in _intent_blocks(lines):
            texts += [lines[n].strip()[1:].strip() for n in range(start, end) if lines[n].strip()[:1] == "-"]
    return texts
