"""Shared fixtures for the Rasa-env NLU tests (run with .venv-rasa/bin/pytest tests/nlu)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

try:
    import rasa  # noqa: F401
except ImportError:  # the app env (.venv) collects tests/: these belong to .venv-rasa
    collect_ignore_glob = ["test_*.py"]

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `nlu` is a top-level package of the project

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

CATALOGUE_PATH = ROOT / "data" / "lexicon" / "catalogue.json"
DICTIONARY_PATH = ROOT / "data" / "lexicon" / "jieba"


@pytest.fixture(scope="session")
def catalogue() -> dict[str, Any]:
    from nlu.text.extract import load_catalogue

    return load_catalogue(CATALOGUE_PATH)


SMOKE_NLU = """version: "3.1"
nlu:
- intent: ask_size
  examples: |
    - 我身高162cm体重115斤穿什么码
    - 1米6 一百斤 0201拿M还是L
    - 三围92/79/96 选哪个码
    - 腰围2尺1 牛仔裤穿几码
- intent: ask_order_status
  examples: |
    - 订单5021873340001到哪了
    - 顺丰到哪了 我的快递呢
    - 物流怎么不动了
    - 我的包裹什么时候到
"""


@pytest.fixture(scope="session")
def smoke_model(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Train a tiny NLU model with both custom components once; return a loaded Agent."""
    import asyncio

    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    work = tmp_path_factory.mktemp("smoke")
    config = work / "config.yml"
    config.write_text(
        "recipe: default.v1\nlanguage: zh\nassistant_id: smoke\npipeline:\n"
        f"- name: nlu.components.tokenizer.ShopJiebaTokenizer\n  dictionary_path: {DICTIONARY_PATH}\n"
        f"- name: nlu.components.entities.ShopEntityExtractor\n  catalogue_path: {CATALOGUE_PATH}\n"
        "- name: CountVectorsFeaturizer\n"
        "- name: DIETClassifier\n  epochs: 1\n  entity_recognition: false\n",
        encoding="utf-8",
    )
    data = work / "nlu.yml"
    data.write_text(SMOKE_NLU, encoding="utf-8")
    previous = os.environ.get("RASA_CACHE_DIRECTORY")
    os.environ["RASA_CACHE_DIRECTORY"] = str(work / "cache")  # keep .rasa/ out of the repo
    try:
        model = train_nlu(str(config), str(data), str(work / "models"))
    finally:
        if previous is None:
            os.environ.pop("RASA_CACHE_DIRECTORY", None)
        else:
            os.environ["RASA_CACHE_DIRECTORY"] = previous
    assert model, "training produced no model"
    agent = Agent.load(model)

    def parse(text: str) -> dict[str, Any]:
        return asyncio.run(agent.parse_message(text))

    return parse


@pytest.fixture()
def execution_context() -> Any:
    from rasa.engine.graph import ExecutionContext, GraphSchema

    return ExecutionContext(GraphSchema({}), "test-model")


@pytest.fixture()
def model_storage(tmp_path: Path) -> Any:
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    storage = tmp_path / "storage"
    storage.mkdir()
    return LocalModelStorage(storage)


@pytest.fixture()
def whitespace_tokenize(model_storage: Any, execution_context: Any) -> Any:
    """Tokenizes training data in place, on whitespace (texts written with spaces between words)."""
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

    tokenizer = WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(), model_storage, Resource("tokenizer"), execution_context
    )
    return tokenizer.process_training_data
