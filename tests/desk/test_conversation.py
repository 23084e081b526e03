"""The state machine's pure parts: which stored message is which bot command (read once)."""

import pytest

from desk.conversation import COMMANDS, Command, parse_command


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("text", "/start", Command("start", "")),
        ("text", "/start@mumian_bot", Command("start", "")),
        ("text", "/LINK  5021873340002 3821 ", Command("link", "5021873340002 3821")),
        ("text", "/link\n5021873340002 3821", Command("link", "5021873340002 3821")),
        ("text", "/unlink", Command("unlink", "")),
        ("text", "/restart", Command("restart", "")),  # not ours: COMMANDS leaves it to the model
        ("text", "你好 /start", None),
        ("text", "", None),
        ("photo", "/start", None),  # a caption is no command
    ],
)
def test_a_command_is_read_once_with_its_arguments(kind: str, text: str, expected: Command | None) -> None:
    assert parse_command(kind, text) == expected


def test_each_of_the_bots_commands_has_its_own_handler() -> None:
    assert set(COMMANDS) == {"start", "link", "unlink"}
    assert len(set(COMMANDS.values())) == 3
