"""`python -m nlu.evaluation.classify`: JSON shape and odd input, on a tiny model trained once per session."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from nlu.evaluation import classify
from tests.nlu.conftest import CATALOGUE_PATH, DICTIONARY_PATH

TINY_NLU = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - 你好
    - 在吗
    - 亲 在不在
- intent: ask_size
  examples: |
    - 我身高162cm穿什么码
    - 160 100斤拿M还是L
    - 腰围2尺1穿几码
"""

ODD_INPUT = ["", "   ", "a" * 5000, "\x00\x07控制\x1b[31m字符\x7f", "🙂🙂", "/greet", '{"json": 1}', "\r"]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-epoch NLU model with the shop's tokenizer and entity rules (cached for the session)."""
    from rasa.model_training import train_nlu

    work = tmp_path_factory.mktemp("classify")
    config = work / "config.yml"
    config.write_text(
        "recipe: default.v1\nlanguage: zh\nassistant_id: tiny\npipeline:\n"
        f"- name: nlu.components.tokenizer.ShopJiebaTokenizer\n  dictionary_path: {DICTIONARY_PATH}\n"
        f"- name: nlu.components.entities.ShopEntityExtractor\n  catalogue_path: {CATALOGUE_PATH}\n"
        "- name: CountVectorsFeaturizer\n"
        "- name: DIETClassifier\n  epochs: 1\n  entity_recognition: false\n  constrain_similarities: true\n"
        "- name: FallbackClassifier\n  threshold: 0.3\n",
        encoding="utf-8",
    )
    data = work / "nlu.yml"
    data.write_text(TINY_NLU, encoding="utf-8")
    os.environ["RASA_CACHE_DIRECTORY"] = str(work / "cache")  # keep .rasa/ out of the repo
    try:
        model = train_nlu(str(config), str(data), str(work / "models"))
    finally:
        os.environ.pop("RASA_CACHE_DIRECTORY", None)
    assert model, "training produced no model"
    return Path(model)


@pytest.fixture(scope="session")
def parse(tiny_model: Path) -> classify.Parse:
    return classify.load_parser(tiny_model)


def _check_shape(obj: dict[str, Any], text: str) -> None:
    assert set(obj) == {"text", "intent", "confidence", "entities"}
    assert obj["text"] == text
    assert isinstance(obj["intent"], str) and obj["intent"]
    assert isinstance(obj["confidence"], float) and 0.0 <= obj["confidence"] <= 1.0
    for entity in obj["entities"]:
        assert set(entity) == {"entity", "value", "start", "end"}
        assert 0 <= entity["start"] < entity["end"] <= len(text)
    json.dumps(obj, ensure_ascii=False)  # serialisable as one line


def test_json_shape_and_normalised_entities(parse: classify.Parse) -> None:
    text = "我身高162cm 体重115斤 穿M还是L"
    (obj,) = classify.classify_lines([text + "\n"], parse)
    _check_shape(obj, text)
    found = {(e["entity"], str(e["value"])) for e in obj["entities"]}
    assert ("height", "162") in found or ("height", "162.0") in found
    assert any(e["entity"] == "weight" and float(e["value"]) == 57.5 for e in obj["entities"])


def test_odd_input_never_raises(parse: classify.Parse) -> None:
    out = list(classify.classify_lines([t + "\n" for t in ODD_INPUT], parse))
    assert len(out) == len(ODD_INPUT)
    for text, obj in zip(ODD_INPUT, out, strict=True):
        _check_shape(obj, text.rstrip("\r\n"))
    assert out[0]["intent"] == out[1]["intent"] == "nlu_fallback"


def test_a_failing_parse_becomes_fallback() -> None:
    def broken(text: str) -> dict[str, Any]:
        raise RuntimeError("model exploded")

    (obj,) = classify.classify_lines(["你好"], broken)
    assert obj == {"text": "你好", "intent": "nlu_fallback", "confidence": 0.0, "entities": []}


def test_cli_reads_stdin_writes_json_lines(
    tiny_model: Path, parse: classify.Parse, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # The session's loaded model stands in for a second Agent.load (slow on 2 cores).
    loaded = []
    monkeypatch.setattr(classify, "load_parser", lambda model: loaded.append(model) or parse)
    lines = "你好\n\n腰围2尺1穿几码\n\xff\n".encode("utf-8", errors="surrogateescape")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines + b"\xff\xfe bad bytes\n")))
    assert classify.main(["--model", str(tiny_model)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["text"] for o in out][:3] == ["你好", "", "腰围2尺1穿几码"]
    assert len(out) == 5 and all(set(o) == {"text", "intent", "confidence", "entities"} for o in out)
    assert loaded == [tiny_model]


def test_missing_model_says_make_train(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert classify.main(["--model", str(tmp_path / "nope.tar.gz")]) == 2
    err = capsys.readouterr().err.strip()
    assert "make train" in err and "\n" not in err
