"""The trained assistant, once per test session: model, demo DB, servers.

The model is trained only when the training inputs changed (scripts/train.py
caches it by their hash), so a second run of the suite reuses it. With
RASA_MODEL set to an existing model the suite uses that one instead (a quick
dev model while iterating on actions; it may lag behind the training data).
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from paths import PROJECT_ROOT
from stack.servers import running_stack
from stack.settings import load_settings

APP_PY = PROJECT_ROOT / ".venv" / "bin" / "python"
RASA_PY = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"


@pytest.fixture(scope="session")
def trained_model() -> Path:
    given = os.environ.get("RASA_MODEL")
    if given and Path(given).is_file():
        return Path(given)
    result = subprocess.run(
        [str(RASA_PY), "scripts/train.py", "--quiet"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, f"training failed:\n{result.stderr[-3000:]}"
    return Path(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory, trained_model) -> dict[str, str]:
    """Environment for processes that use a fresh demo shop in a temp folder."""
    var = tmp_path_factory.mktemp("e2e-var")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{var / 'shop.db'}", "RASA_MODEL": str(trained_model)}
    built = subprocess.run(
        [str(APP_PY), "-m", "shop.demo"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    env["E2E_VAR_DIR"] = str(var)
    return env


@pytest.fixture(scope="session")
def stack(demo_env):
    """One action server + Rasa server for the whole session (starting Rasa takes ~30 s)."""
    saved = dict(os.environ)
    os.environ.update(demo_env)
    # As under `make serve`: secrets the servers must not be given (test_security checks).
    os.environ.update(TELEGRAM_BOT_TOKEN="123:e2e-not-a-token", WEBHOOK_SECRET="e2e-not-a-secret")
    try:
        settings = replace(load_settings(demo_env), var_dir=Path(demo_env["E2E_VAR_DIR"]))
        with running_stack(settings) as running:
            yield running
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_simulator(
    env: dict[str, str], lines: list[str], *, buyer: str = "tb_linlin", timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(APP_PY), "-m", "bot.simulate", "--json", "--buyer", buyer],
        input="\n".join(lines) + "\n",
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def simulate(stack, demo_env):
    """Runs `bot.simulate --json` against the session's servers; returns the records."""

    def run(lines: list[str], *, buyer: str = "tb_linlin") -> list[dict]:
        env = {**demo_env, "RASA_URL": stack.rasa_url, "RASA_TOKEN": stack.rasa_token}
        result = run_simulator(env, lines, buyer=buyer)
        assert result.returncode == 0, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]

    return run
