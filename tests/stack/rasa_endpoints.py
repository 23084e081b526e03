"""Runs a script in the Rasa env on endpoints files we wrote: what Rasa itself makes of them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from paths import PROJECT_ROOT
from stack.servers import endpoints_yaml
from stack.settings import Settings

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"


def rasa_reads_endpoints(script: str, settings: dict[str, Settings], folder: Path) -> str:
    """Writes `folder`/NAME.yml for each of `settings`, runs `script` with their paths; its output."""
    files = []
    for name, each in settings.items():
        files.append(folder / f"{name}.yml")
        files[-1].write_text(endpoints_yaml(each, "http://127.0.0.1:5055/webhook"), encoding="utf-8")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", script, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,  # our own stores are in nlu/
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
