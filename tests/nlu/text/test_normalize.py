"""normalize(): same length as the input, so offsets map back 1:1."""

import pytest

from nlu.text.normalize import fold_for_matching, normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("紅色羊毛大衣", "红色羊毛大衣"),
        ("順豐", "顺丰"),
        ("尺碼１６２ｃｍ", "尺码162cm"),
        ("ＸＬ碼", "xl码"),
        ("EMS\u3000到了嗎", "ems 到了吗"),
        ("Hello 😀 M码", "hello 😀 m码"),
        ("İ", "İ"),  # str.lower() would make this two characters
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected
    assert len(normalize(text)) == len(text)


def test_normalize_keeps_length_on_every_bmp_character() -> None:
    text = "".join(chr(c) for c in range(0x20, 0xFFFF) if not 0xD800 <= c <= 0xDFFF)
    assert len(normalize(text)) == len(text)


def test_fold_for_matching() -> None:
    assert fold_for_matching(" Ｅ Ｍ Ｓ ") == "ems"
    assert fold_for_matching("順豐 快遞") == "顺丰快递"
