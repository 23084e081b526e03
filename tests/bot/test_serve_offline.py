"""make serve with a token but no network: one clear line per try and it keeps trying, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from telegram.error import InvalidToken, NetworkError

from bot.serve import wait_for_telegram
from paths import PROJECT_ROOT
from stack.servers import free_port


def test_waits_for_telegram_with_one_line_per_try(capsys: pytest.CaptureFixture[str]) -> None:
    answers = [NetworkError("All connection attempts failed")] * 3 + [None]
    pauses: list[float] = []

    def reach() -> None:
        answer = answers.pop(0)
        if answer is not None:
            raise answer

    wait_for_telegram(reach, sleep=pauses.append, max_pause_s=3)
    assert pauses == [1, 2, 3]
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 4
    assert all("cannot reach Telegram" in line for line in lines[:3]) and "again" in lines[3]


def test_a_refused_token_is_not_retried() -> None:
    def reach() -> None:
        raise InvalidToken("Not Found")

    with pytest.raises(InvalidToken):
        wait_for_telegram(reach, sleep=lambda _: pytest.fail("must not retry"))


def test_serve_without_network_keeps_trying_without_a_traceback(tmp_path: Path) -> None:
    # Nothing listens on the Bot API address: as without a network.
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123:not-a-real-token",
        "AGENT_CHAT_ID": "-100123",
        "AGENT_IDS": "111",
        "TELEGRAM_BASE_URL": f"http://127.0.0.1:{free_port()}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
        "VAR_DIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.serve"], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        lines = [process.stderr.readline() for _ in range(2)]  # waits for two failed tries
        assert process.poll() is None, "serve gave up"
    finally:
        process.terminate()
        rest = process.communicate(timeout=30)[1]
    assert all("cannot reach Telegram" in line for line in lines), lines
    assert "Traceback" not in "".join(lines) + rest
