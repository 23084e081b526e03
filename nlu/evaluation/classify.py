"""Classify buyer messages from stdin with the trained model, one JSON object per line.

    .venv-rasa/bin/python -m nlu.evaluation.classify [--model PATH] < messages.txt

Each output line: {"text", "intent", "confidence", "entities": [{"entity",
"value", "start", "end"}]}. The model is the one `scripts/train.py --check`
names for the current inputs (`--model` overrides) and is loaded once. Odd
input never raises: an empty line gets nlu_fallback without asking the model,
and a message the model cannot parse is reported as nlu_fallback too.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Callable

from nlu.evaluation.metrics import FALLBACK
from nlu.evaluation.models import quiet_rasa_logging

ROOT = Path(__file__).resolve().parents[2]

Parse = Callable[[str], dict[str, Any]]


def current_model() -> Path | None:
    """The model scripts/train.py would use for the current inputs, if trained."""
    # scripts/train.py is the single definition of the model's name; it is a
    # script, not a package module, hence the load by path.
    spec = importlib.util.spec_from_file_location("_train_script", ROOT / "scripts" / "train.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    path = train.model_path(ROOT)
    return path if path.exists() else None


def result_line(text: str, result: dict[str, Any] | None) -> dict[str, Any]:
    """The output object for one message from Rasa's parse result (None = no result)."""
    intent = (result or {}).get("intent") or {}
    entities = [
        {"entity": e.get("entity"), "value": e.get("value"), "start": e.get("start"), "end": e.get("end")}
        for e in (result or {}).get("entities") or []
    ]
    return {
        "text": text,
        "intent": intent.get("name") or FALLBACK,
        "confidence": round(float(intent.get("confidence") or 0.0), 4),
        "entities": entities,
    }


def classify_lines(lines: Iterable[str], parse: Parse) -> Iterator[dict[str, Any]]:
    """One output object per input line (line endings removed)."""
    for line in lines:
        text = line.rstrip("\r\n")
        if not text.strip():
            yield result_line(text, None)
            continue
        try:
            result = parse(text)
        except Exception:  # noqa: BLE001 - one bad message must not end the stream
            logging.getLogger(__name__).exception("could not parse %r", text[:80])
            result = None
        yield result_line(text, result)


def load_parser(model: Path) -> Parse:
    """Load the model once; return a synchronous parse function."""
    import asyncio

    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    return lambda text: loop.run_until_complete(agent.parse_message(text))


def main(argv: list[str] | None = None) -> int:
    """Read stdin, write JSON lines to stdout; 2 when there is no model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a trained model (.tar.gz) instead of the current one")
    args = parser.parse_args(argv)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    model = args.model or current_model()
    if model is None or not Path(model).exists():
        print("classify: no trained model for the current inputs: run 'make train'", file=sys.stderr)
        return 2
    quiet_rasa_logging()
    parse = load_parser(Path(model))
    # Decode leniently: an invalid byte in one line must not stop the stream.
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
    for obj in classify_lines(stdin, parse):
        print(json.dumps(obj, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
