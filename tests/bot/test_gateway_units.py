"""The gateway's pure parts: texts, splitting, linking input, edit distance, cards, serve."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from bot import cards
from bot.delivery import split_text
from desk import agent_texts, texts
from desk.agent_actions import edit_distance, heavily_edited
from desk.linking import asked_to_link, parse_link_args, reads_as_link
from paths import PROJECT_ROOT
from shop.policy import check_text

SAMPLE_FIELDS = {"left": 3, "until": "18:30", "kind": "图片", "minutes": 5, "opens": "明天09:00", "product": "纯棉基础款T恤",
                 "courier": "韵达快递", "tracking_no": "43100000000066", "latest_event": "【郑州市】已到达"}  # fmt: skip


def _buyer_texts() -> dict[str, str]:
    section = yaml.safe_load(texts.GATEWAY_FILE.read_text(encoding="utf-8"))["buyer"]
    return {k: v.format(**SAMPLE_FIELDS) for k, v in section.items() if isinstance(v, str)}


@pytest.mark.parametrize("key", sorted(_buyer_texts()))
def test_every_buyer_text_passes_the_policy_check(key: str) -> None:
    assert check_text(_buyer_texts()[key]) == []


def test_no_chinese_literals_in_gateway_python() -> None:
    offenders = []
    for path in [p for folder in ("bot", "desk", "stack") for p in (PROJECT_ROOT / folder).glob("*.py")]:
        if any("\u4e00" <= ch <= "\u9fff" for ch in path.read_text(encoding="utf-8")):
            offenders.append(path.name)
    assert offenders == []


def test_the_simulator_keeps_its_names() -> None:
    assert agent_texts.SENT_LABEL and agent_texts.STARTING
    assert "tb_linlin" in agent_texts.welcome("tb_linlin")
    assert "0.93" in agent_texts.draft_header("ask_size", 0.93)
    assert "x" in agent_texts.route_line(True, "x")


def test_split_text_cuts_after_sentences_and_keeps_everything() -> None:
    text = ("一二三四五。" * 10) + "很长" * 30
    parts = split_text(text, limit=25)
    assert "".join(parts) == text
    assert all(len(p) <= 25 for p in parts)
    assert parts[0].endswith("。")
    assert split_text("短") == ["短"]


def test_split_text_counts_emoji_twice() -> None:
    parts = split_text("😀" * 10, limit=8)
    assert [len(p) for p in parts] == [4, 4, 2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5021873340002 3821", ("5021873340002", "3821")),
        (" 5021873340002，3821 ", ("5021873340002", "3821")),
        ("5021873340002/3821", ("5021873340002", "3821")),
        ("502187334000 3821", None),
        ("订单 5021873340002 3821", None),
        ("5021873340002 38211", None),
        # The format the bot asks for, with its words (Traditional and full-width too).
        ("订单号5021873340002 手机尾号3821", ("5021873340002", "3821")),
        ("訂單號：5021873340002，手機尾號：3821", ("5021873340002", "3821")),
        ("订单号 ５０２１８７３３４０００２ 后四位3821。", ("5021873340002", "3821")),
        ("订单号5021873340002 手机尾号38211", None),
        # A Taobao/Tmall order id has 18-19 digits; longer than any platform's is no order id.
        ("4027731846512093318 2468", ("4027731846512093318", "2468")),
        ("訂單號：４０２７７３１８４６５１２０９３３１８，手機尾號：2468", ("4027731846512093318", "2468")),
        ("4027731846512093318402773 2468", None),
    ],
)
def test_parse_link_args(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_link_args(text) == expected


def test_the_labelled_format_always_reads_as_linking_bare_numbers_only_when_asked() -> None:
    assert reads_as_link("订单号1234567890123 手机尾号5678", asked=False)
    assert reads_as_link("訂單號1234567890123 手機尾號5678", asked=False)
    assert not reads_as_link("1234567890123 5678", asked=False)
    assert reads_as_link("1234567890123 5678", asked=True)
    assert not reads_as_link("订单号1234567890123 改地址", asked=True)
    assert reads_as_link("订单编号4027731846512093318 手机后四位2468", asked=False)
    assert reads_as_link("4027731846512093318 2468", asked=True)


def test_asked_to_link() -> None:
    assert asked_to_link({"rule": "link_needed"})
    assert asked_to_link({"facts": {"link_needed": True}})
    assert not asked_to_link({"rule": "size_fit"})
    assert not asked_to_link(None)


def test_edit_distance_and_heavy_edits() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert not heavily_edited("亲，建议您选M码哦", "亲，建议您选L码哦")
    assert heavily_edited("亲，建议您选M码哦", "亲，这款没有货了，抱歉")


def test_callback_data_round_trips_and_fits_telegrams_64_bytes() -> None:
    assert cards.parse_callback("send:12") == ("send", 12, None)
    assert cards.parse_callback("intent:12:3") == ("intent", 12, 3)
    assert cards.parse_callback("bogus") is None
    markup = cards.intent_buttons(2**40)
    assert all(len(b.callback_data.encode()) <= 64 for row in markup.inline_keyboard for b in row)
    assert len(cards.INTENTS) == 18


def test_serve_without_a_token_explains_how_to_get_one() -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.serve"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "AGENT_CHAT_ID" in result.stderr
