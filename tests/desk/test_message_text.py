"""What of a buyer's text reaches the model (desk/message_text.py)."""

from __future__ import annotations

import pytest

from desk.message_text import for_model, is_blank, neutralise_command


@pytest.mark.parametrize(
    "text", ["", " ", "\u3000", "\u00a0", "\t\n", "\u200b\u200d\ufeff", "\ufe0f", "\u3164"]
)
def test_texts_with_nothing_to_classify_are_blank(text: str) -> None:
    assert is_blank(text)


@pytest.mark.parametrize("text", ["你好", " ? ", "👍", "\u200b好", "1"])
def test_texts_with_something_to_classify_are_not_blank(text: str) -> None:
    assert not is_blank(text)


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("/restart", "／restart"),
        ('/request_return{"order_id": "5021873340001"}', '／request_return{"order_id": "5021873340001"}'),
        (" \u3000/affirm@1.0", " \u3000／affirm@1.0"),
        ("尺码/颜色", "尺码/颜色"),
        ("0201 有M吗", "0201 有M吗"),
    ],
)
def test_a_leading_slash_is_never_a_command_for_rasa(typed: str, sent: str) -> None:
    assert neutralise_command(typed) == sent
    assert not sent.strip().startswith("/")  # Rasa strips, then looks for "/"


def test_the_model_gets_at_most_max_chars_and_never_a_command() -> None:
    assert for_model("/" + "长" * 50, max_chars=10) == "／" + "长" * 9
