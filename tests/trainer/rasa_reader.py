"""Reads NLU files with Rasa's own YAML reader (in the Rasa env), as the tests' judge."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from paths import PROJECT_ROOT

_READ = """
import json, sys
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.utils.validation import validate_yaml_schema
from rasa.shared.utils.io import read_file
out = {}
for path in sys.argv[1:]:
    text = read_file(path)
    validate_yaml_schema(text, "shared/nlu/training_data/schemas/nlu.yml")
    data = RasaYAMLReader().reads(text)
    out[path] = [[m.get("text"), m.get("intent")] for m in data.training_examples]
print(json.dumps(out, ensure_ascii=False))
"""


def rasa_examples(*paths: Path) -> dict[str, list[tuple[str, str]]]:
    """{file: [(text, intent), ...]} as Rasa reads them; raises if Rasa rejects a file."""
    result = subprocess.run(
        [str(PROJECT_ROOT / ".venv-rasa" / "bin" / "python"), "-c", _READ, *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return {k: [tuple(x) for x in v] for k, v in data.items()}
