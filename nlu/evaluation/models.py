"""Trained models for the evaluation: find or train them, and parse with them.

Held-out models are the project's own (`scripts/train.py`, cached in `models/`
by input hash). Cross-validation trains NLU-only models per fold in temporary
folders and caches the fold *predictions* in `var/cache/nlu-cv/`, keyed by the
config, the fold's training examples and the component code it runs, so a
rerun after an unrelated change costs nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nlu.evaluation.data import Example, write_nlu_yaml
from nlu.evaluation.metrics import FALLBACK

ROOT = Path(__file__).resolve().parents[2]
TRAIN_SCRIPT = ROOT / "scripts" / "train.py"
CV_CACHE = ROOT / "var" / "cache" / "nlu-cv"
# Code and side files a pipeline with our custom components depends on.
COMPONENT_INPUTS = [
    "nlu/components",
    "nlu/text/normalize.py",
    "nlu/text/chat_variants.py",
    "nlu/text/chat_variants.yml",
    "nlu/text/extract.py",
    "nlu/text/measurements.py",
    "nlu/text/numbers.py",
    "data/lexicon",
]
WARM_UP = 10


def quiet_rasa_logging(level: int = logging.WARNING) -> None:
    """Send Rasa's logs to stderr at `level`.

    Unconfigured, Rasa's structlog prints every parse as a debug line on
    stdout, which would corrupt the JSON-lines output of nlu.evaluation.classify.
    """
    logging.basicConfig(level=level, stream=sys.stderr, format="%(name)s: %(message)s")
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(level)
    for noisy in ("rasa", "tensorflow", "absl", "jieba", "matplotlib", "root"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def model_for(config: str, prefix: str) -> tuple[Path, dict[str, Any]]:
    """The project model for `config`, trained by scripts/train.py if missing.

    Also returns how long getting it took: wall and CPU seconds (the CPU time
    of the training process is the fairer figure on a shared machine).
    """
    args = [sys.executable, str(TRAIN_SCRIPT), "--config", config, "--prefix", prefix, "--quiet"]
    cached = subprocess.run([*args[:-1], "--check"], cwd=ROOT, capture_output=True).returncode == 0
    cpu_before = _children_cpu()
    started = time.monotonic()
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"train.py failed for {config}")
    path = Path(result.stdout.strip().splitlines()[-1])
    timing = {
        "trained_now": not cached,
        "wall_seconds": round(time.monotonic() - started, 1),
        "cpu_seconds": round(_children_cpu() - cpu_before, 1),
    }
    logging.getLogger(__name__).info("model %s ready: %s", path.name, timing)
    return path, timing


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Parser:
    """One loaded model; parses texts in one event loop and times each parse."""

    def __init__(self, model_path: str | Path) -> None:
        from rasa.core.agent import Agent

        self._loop = asyncio.new_event_loop()
        self.agent = Agent.load(str(model_path))

    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's parse result for one text."""
        return self._loop.run_until_complete(self.agent.parse_message(text))

    def predict(self, texts: list[str]) -> list[dict[str, Any]]:
        """Simplified predictions with per-message latency (ms), after a warm-up."""
        for text in texts[:WARM_UP]:
            self.parse(text)  # first parses build TF graphs and caches: not latency
        out = []
        for text in texts:
            started = time.perf_counter()
            result = self.parse(text)
            elapsed = (time.perf_counter() - started) * 1000
            out.append({**simplify(result), "latency_ms": elapsed})
        return out

    def close(self) -> None:
        """Release the event loop."""
        self._loop.close()


def simplify(result: dict[str, Any]) -> dict[str, Any]:
    """Intent, confidence, the classifier's ranking (without nlu_fallback), its grievance
    share and complaint tone when the model gives them (None otherwise) and entities."""
    intent = result.get("intent") or {}
    ranking = [
        (r["name"], float(r["confidence"]))
        for r in result.get("intent_ranking") or []
        if r.get("name") and r["name"] != FALLBACK
    ]
    return {
        "text": result.get("text", ""),
        "intent": intent.get("name") or FALLBACK,
        "confidence": float(intent.get("confidence") or 0.0),
        "ranking": ranking,
        "grievance": None if result.get("grievance") is None else float(result["grievance"]),
        "tone": None if result.get("tone") is None else float(result["tone"]),
        "entities": [
            {k: e.get(k) for k in ("entity", "value", "start", "end")} for e in result.get("entities") or []
        ],
    }


def _hash_inputs(config: Path, train: list[Example], extras: str = "") -> str:
    digest = hashlib.sha256(config.read_bytes())
    if extras:  # without it, the keys of folds cached before lookup tables existed stay valid
        digest.update(extras.encode())
    digest.update(json.dumps([(e["text"], e["intent"]) for e in train], ensure_ascii=False).encode())
    if "nlu.components" in config.read_text(encoding="utf-8"):
        for name in COMPONENT_INPUTS:
            path = ROOT / name
            files = sorted(path.rglob("*.*")) if path.is_dir() else [path]
            for file in files:
                if file.is_file() and "__pycache__" not in file.parts:
                    digest.update(str(file.relative_to(ROOT)).encode() + file.read_bytes())
    return digest.hexdigest()[:16]


def cv_fold_predictions(
    config: Path, train: list[Example], test: list[Example], extras: str = ""
) -> dict[str, Any]:
    """Train an NLU-only model on `train` (plus `extras`: lookup tables as YAML), predict
    `test`; cached by inputs.

    Returns `{"predictions": [...], "train_seconds", "train_cpu_seconds", "cached"}`.
    """
    key = _hash_inputs(config, train + [{"text": "|test|", "intent": ""}] + test, extras)
    cached = CV_CACHE / f"{key}.json"
    if cached.exists():
        return {**json.loads(cached.read_text(encoding="utf-8")), "cached": True}
    from rasa.model_training import train_nlu

    with tempfile.TemporaryDirectory(prefix="nlu-cv-") as work:
        data = Path(work) / "data"
        data.mkdir()
        write_nlu_yaml(train, data / "train.yml")
        if extras:
            (data / "extras.yml").write_text(extras, encoding="utf-8")
        previous = os.environ.get("RASA_CACHE_DIRECTORY")
        # A private training cache: fold models must not fill the project's .rasa/.
        os.environ["RASA_CACHE_DIRECTORY"] = str(Path(work) / "cache")
        started, cpu_started = time.monotonic(), time.process_time()
        try:
            model = train_nlu(str(config), str(data), str(Path(work) / "models"))
        finally:
            if previous is None:
                os.environ.pop("RASA_CACHE_DIRECTORY", None)
            else:
                os.environ["RASA_CACHE_DIRECTORY"] = previous
        seconds = time.monotonic() - started
        cpu_seconds = time.process_time() - cpu_started  # all of this process's threads
        if not model:
            raise RuntimeError(f"cross-validation training failed for {config}")
        parser = Parser(model)
        try:
            predictions = [simplify(parser.parse(e["text"])) for e in test]
        finally:
            parser.close()
    result = {"predictions": predictions, "train_seconds": seconds, "train_cpu_seconds": cpu_seconds}
    CV_CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return {**result, "cached": False}
