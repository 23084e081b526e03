"""Messages with no text, odd text or only emoji, through the project's real pipeline.

Issue 16 items 5 and 6: a whitespace-only message made the classifier raise
("0 features", Rasa answered 500), and "nothing" (❌, 👎, 😡, U+200B, a bare
"？") came out as affirm. The pipeline of config.yml is trained here on a few
phrasings (seconds), so these tests run the very components the server runs.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.nlu.conftest import CATALOGUE_PATH, DICTIONARY_PATH, ROOT

PHRASINGS = {
    "affirm": ["好的", "可以", "行", "嗯嗯好的", "没问题", "好的呀", "ok", "对的"],
    "deny": ["不要", "不用了", "不要了", "算了", "不需要", "不是", "不对", "别了"],
    "complain": ["太差了", "我很生气", "气死我了", "质量太差", "生气", "差评", "什么破东西", "做工太烂了"],
    "thank": ["谢谢", "谢谢你", "感谢", "多谢", "谢谢亲", "辛苦了", "麻烦你了谢谢", "非常感谢"],
    "greet": ["你好", "在吗", "亲在吗", "hi", "哈喽", "有人吗", "你好呀", "在不在"],
    "ask_order_status": ["我的快递到哪了", "什么时候发货", "物流怎么不动", "包裹到哪里了", "订单发货了吗"],
    "out_of_scope": [
        "今天天气怎么样",
        "讲个笑话",
        "你是机器人吗",
        "帮我订机票",
        "股票会涨吗",
        "你叫什么名字",
    ],
}
FALLBACK = "nlu_fallback"


def _project_pipeline_config(work: Path) -> Path:
    """config.yml's pipeline as configured, its paths made absolute; no policies."""
    yaml = YAML(typ="safe")
    config = yaml.load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if "dictionary_path" in component:
            component["dictionary_path"] = str(DICTIONARY_PATH)
        if "catalogue_path" in component:
            component["catalogue_path"] = str(CATALOGUE_PATH)
    config.pop("policies", None)
    path = work / "config.yml"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(config, out)
    return path


@pytest.fixture(scope="module")
def parse(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    work = tmp_path_factory.mktemp("no-text")
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in PHRASINGS.items():
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {t}" for t in texts]
    (work / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    previous = os.environ.get("RASA_CACHE_DIRECTORY")
    os.environ["RASA_CACHE_DIRECTORY"] = str(work / "cache")
    try:
        model = train_nlu(str(_project_pipeline_config(work)), str(work / "nlu.yml"), str(work / "models"))
    finally:
        if previous is None:
            os.environ.pop("RASA_CACHE_DIRECTORY", None)
        else:
            os.environ["RASA_CACHE_DIRECTORY"] = previous
    assert model
    agent = Agent.load(model)
    loop = asyncio.new_event_loop()
    yield lambda text: loop.run_until_complete(agent.parse_message(text))
    loop.close()


@pytest.mark.parametrize(
    "text",
    [
        " ",
        "\u3000",
        "\u00a0",
        "\t",
        "\u200b",
        " \u3000\u00a0\t\u200b ",
        "\ufeff",
        "？",
        "？？？",
        "...",
        "\x00\x07",
    ],
)
def test_a_message_without_text_goes_to_an_agent(parse: Callable, text: str) -> None:
    result = parse(text)
    assert result["intent"]["name"] == FALLBACK
    assert all(r["name"] != "affirm" or r["confidence"] < 0.3 for r in result.get("intent_ranking") or [])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😀😀😀",
        "好" * 5000,
        "物流\x00怎么\x1b[31m不动",
        "https://item.taobao.com/item.htm?id=123456 这个有货吗",
        "Hi 亲，這件ＸＬ有嗎？😊 ok?",
        "\ud7ff\ue000\U0001f9ff",
    ],
)
def test_odd_input_never_raises_and_gets_an_intent(parse: Callable, text: str) -> None:
    result = parse(text)
    assert result["intent"]["name"] in set(PHRASINGS) | {FALLBACK}
    assert 0.0 <= result["intent"]["confidence"] <= 1.0


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("👍", "affirm"),
        ("👌", "affirm"),
        ("✅", "affirm"),
        ("👍️", "affirm"),  # with the emoji variation selector
        ("👎", "deny"),
        ("❌", "deny"),
        ("🙅", "deny"),
        ("😡", "complain"),
        ("😡😡😡", "complain"),
    ],
)
def test_an_emoji_is_read_for_its_meaning(parse: Callable, text: str, meant: str) -> None:
    assert parse(text)["intent"]["name"] == meant


@pytest.mark.parametrize("text", ["👎", "❌", "🙅", "😡", "\u200b", "？"])
def test_a_no_or_nothing_is_never_a_yes(parse: Callable, text: str) -> None:
    result = parse(text)
    assert result["intent"]["name"] != "affirm"
