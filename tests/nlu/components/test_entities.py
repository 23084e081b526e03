"""ShopEntityExtractor: the four component tests plus its fingerprint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.entities import ShopEntityExtractor
from tests.nlu.conftest import CATALOGUE_PATH


def _extractor(
    model_storage: Any, execution_context: Any, path: Path = CATALOGUE_PATH
) -> ShopEntityExtractor:
    config = {**ShopEntityExtractor.get_default_config(), "catalogue_path": str(path)}
    return ShopEntityExtractor.create(config, model_storage, Resource("entities"), execution_context)


def _entities(extractor: ShopEntityExtractor, text: str) -> list[dict]:
    [message] = extractor.process([Message({TEXT: text})])
    return message.get(ENTITIES)


def test_entities_and_offsets(model_storage: Any, execution_context: Any) -> None:
    text = "Hi 我162cm／１１５斤，0201紅色要M還是L？😀 單號5021873340001 順豐 會起球嗎"
    found = _entities(_extractor(model_storage, execution_context), text)
    assert [(e["entity"], e["value"], e["start"], e["end"], e["text"]) for e in found] == [
        ("height", 162, 4, 9, "162cm"),
        ("weight", 57.5, 10, 14, "１１５斤"),
        ("product_code", "0201", 15, 19, "0201"),
        ("color", "红色", 19, 21, "紅色"),
        ("size", "M", 22, 23, "M"),
        ("size", "L", 25, 26, "L"),
        ("order_id", "5021873340001", 31, 44, "5021873340001"),
        ("courier", "顺丰速运", 45, 47, "順豐"),
        ("concern", "pilling", 49, 51, "起球"),
    ]
    assert {e["extractor"] for e in found} == {"ShopEntityExtractor"}
    assert isinstance(found[0]["value"], int)


def test_keeps_existing_entities(model_storage: Any, execution_context: Any) -> None:
    message = Message({TEXT: "0201", ENTITIES: [{"entity": "x", "start": 0, "end": 1, "value": "y"}]})
    [message] = _extractor(model_storage, execution_context).process([message])
    assert [e["entity"] for e in message.get(ENTITIES)] == ["x", "product_code"]


def test_default_config() -> None:
    assert ShopEntityExtractor.get_default_config() == {"catalogue_path": "data/lexicon/catalogue.json"}


def test_persist_and_load_round_trip(model_storage: Any, execution_context: Any, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    shutil.copy(CATALOGUE_PATH, path)
    resource = Resource("entities")
    config = {"catalogue_path": str(path)}
    trained = ShopEntityExtractor.create(config, model_storage, resource, execution_context)
    assert trained.train(TrainingData()) == resource
    path.unlink()  # the loaded model carries its own copy of the catalogue
    loaded = ShopEntityExtractor.load(config, model_storage, resource, execution_context)
    assert loaded.catalogue == trained.catalogue
    text = "紅色羊毛大衣 M碼 順豐"
    assert _entities(loaded, text) == _entities(trained, text)


def test_fingerprint_follows_catalogue_content(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    shutil.copy(CATALOGUE_PATH, path)
    config = {"catalogue_path": str(path)}
    before = ShopEntityExtractor.fingerprint_addon(config)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["colors"]["藏青"] = "深蓝"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert ShopEntityExtractor.fingerprint_addon(config) != before


def test_missing_catalogue_still_extracts_numbers(
    model_storage: Any, execution_context: Any, tmp_path: Path
) -> None:
    extractor = _extractor(model_storage, execution_context, tmp_path / "missing.json")
    assert [e["entity"] for e in _entities(extractor, "0201 162cm")] == ["height"]


def test_smoke_train(smoke_model: Any) -> None:
    result = smoke_model("订单5021873340001 顺丰到哪了")
    ours = [e for e in result["entities"] if e["extractor"] == "ShopEntityExtractor"]
    assert [(e["entity"], e["value"]) for e in ours] == [
        ("order_id", "5021873340001"),
        ("courier", "顺丰速运"),
    ]
