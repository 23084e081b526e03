"""The warm training worker (`scripts/train.py --worker`): same models, faster retrains, clear failures.

One tiny project (tests/trainer/tiny.py) and one worker for the module; a second
copy of the project is trained the plain way (`rasa train` in a fresh process)
to compare the models' answers.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.trainer.tiny import HELDOUT, make_tiny_project, nlu_yaml

ADDED = {"bargain": ["老板抹个零吧", "包邮再减点呗"], "ask_stock": ["L码断货了吗", "黑色还能买到吗"]}
QUESTIONS = [text for texts in HELDOUT.values() for text in texts] + ["抹个零", "黑色断货了吗"]


def run_train(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHOP_TRAIN_WORKER_IDLE_S": "300", "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run(
        [sys.executable, "scripts/train.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def answers(model: Path) -> list[list[tuple[str, float]]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> list[Any]:
        return [await agent.parse_message(text) for text in QUESTIONS]

    return [
        [(r["name"], round(r["confidence"], 6)) for r in p["intent_ranking"]]
        for p in asyncio.run(parse_all())
    ]


def worker_starts(root: Path) -> int:
    return (root / "var" / "logs" / "train-worker.log").read_text(encoding="utf-8").count("listening on")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = make_tiny_project(tmp_path_factory.mktemp("worker") / "tiny")
    yield root
    run_train(root, "--stop-worker")


@pytest.fixture(scope="module")
def retrained(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A first training in the worker, then a retrain after adding phrasings, and the plain way."""
    first = run_train(project, "--worker")
    assert first.returncode == 0, first.stderr
    (project / "data" / "nlu" / "added.yml").write_text(nlu_yaml(ADDED), encoding="utf-8")
    second = run_train(project, "--worker")
    assert second.returncode == 0, second.stderr
    plain_root = make_tiny_project(tmp_path_factory.mktemp("plain") / "tiny")
    (plain_root / "data" / "nlu" / "added.yml").write_text(nlu_yaml(ADDED), encoding="utf-8")
    once = run_train(plain_root)  # `make train`: one training, fresh process, the same speed-ups
    assert once.returncode == 0, once.stderr
    stock = subprocess.run(  # Rasa's own `rasa train`, nothing of ours
        [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "domain.yml"]
        + ["--data", "data/nlu", "data/rules", "--out", "stock-models", "--fixed-model-name", "stock"],
        cwd=plain_root,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert stock.returncode == 0, stock.stderr
    return {
        "first": first,
        "second": second,
        "once": once,
        "stock": plain_root / "stock-models" / "stock.tar.gz",
    }


def test_a_retrain_in_the_worker_answers_like_rasa_train(retrained: dict[str, Any]) -> None:
    worker_model = Path(retrained["second"].stdout.strip().splitlines()[-1])
    once_model = Path(retrained["once"].stdout.strip().splitlines()[-1])
    assert worker_model.name == once_model.name  # same inputs, same name
    stock = answers(retrained["stock"])
    assert answers(once_model) == stock  # one training in a fresh process: Rasa's model exactly
    # The retrain's classifier started from the first fit (nlu/training/warm_classifier.py): the same
    # optimum, reached from elsewhere, so equal to the solver's tolerance.
    assert "starting from the previous fit" in retrained["second"].stdout
    worker = answers(worker_model)
    assert [[name for name, _ in ranking] for ranking in worker] == [[name for name, _ in r] for r in stock]
    differences = [abs(a[1] - b[1]) for w, s in zip(worker, stock) for a, b in zip(w, s)]
    assert len(differences) == len(QUESTIONS) * len(stock[0]) and max(differences) < 1e-3


def test_the_retrain_reuses_the_warm_process_and_the_cache(project: Path, retrained: dict[str, Any]) -> None:
    assert worker_starts(project) == 1
    log = retrained["second"].stdout
    assert "Starting to train component 'LogisticRegressionClassifier'" in log  # the data changed
    assert "Restored component 'RulePolicy' from cache" in log  # the rules did not


def test_unchanged_nlu_data_is_restored_from_the_cache(project: Path, retrained: dict[str, Any]) -> None:
    rules = project / "data" / "rules" / "rules.yml"
    rules.write_text(
        rules.read_text(encoding="utf-8") + "# a comment changes the model hash only\n", encoding="utf-8"
    )
    result = run_train(project, "--worker")
    assert result.returncode == 0, result.stderr
    assert "Restored component 'LogisticRegressionClassifier' from cache" in result.stdout
    assert "Starting to train component" not in result.stdout


def test_broken_data_gets_a_clear_error_and_the_worker_stays(
    project: Path, retrained: dict[str, Any]
) -> None:
    broken = project / "data" / "nlu" / "broken.yml"
    broken.write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n  - : :\n', encoding="utf-8"
    )
    try:
        result = run_train(project, "--worker")
        assert result.returncode != 0
        assert "train:" in result.stderr and "broken.yml" in result.stdout + result.stderr
    finally:
        broken.unlink()
    (project / "data" / "nlu" / "more.yml").write_text(nlu_yaml({"greet": ["亲你好呀"]}), encoding="utf-8")
    again = run_train(project, "--worker")
    assert again.returncode == 0, again.stderr
    assert worker_starts(project) == 1


def test_changed_nlu_code_starts_a_fresh_worker(project: Path, retrained: dict[str, Any]) -> None:
    init = project / "nlu" / "__init__.py"
    init.write_text("# changed component code\n", encoding="utf-8")
    (project / "data" / "nlu" / "more2.yml").write_text(nlu_yaml({"greet": ["老板好"]}), encoding="utf-8")
    result = run_train(project, "--worker")
    assert result.returncode == 0, result.stderr
    assert "restarting the training worker" in result.stderr
    assert worker_starts(project) == 2
