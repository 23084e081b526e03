"""What the importer reads of a shop's words: data/imports.yml (see its comments)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from paths import PROJECT_ROOT, RESPONSES_DIR

# Not under responses/: those shape the model (scripts/train.py hashes them), these do not.
IMPORTS_FILE = PROJECT_ROOT / "data" / "imports.yml"
VOCABULARY_FILE = RESPONSES_DIR / "vocabulary.yml"


@dataclass(frozen=True)
class ImportVocabulary:
    reasons: dict[str, dict[str, str]]
    statuses: dict[str, str]
    fibres: dict[str, str]
    categories: dict[str, str]
    yes: frozenset[str]
    no: frozenset[str]

    def reason(self, key: str, **values: Any) -> tuple[str, str]:
        """(Chinese, English) text of one reason a row was refused."""
        texts = self.reasons[key]
        return texts["zh"].format(**values), texts["en"].format(**values)


@cache
def load_import_vocabulary(
    path: Path = IMPORTS_FILE, fibre_names: Path = VOCABULARY_FILE
) -> ImportVocabulary:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    # The reply vocabulary's own fibre names (羊毛 -> wool) are understood as well.
    shown = yaml.safe_load(fibre_names.read_text(encoding="utf-8")).get("materials") or {}
    fibres = {str(name): str(code) for code, name in shown.items()}
    fibres.update({str(k): str(v) for k, v in (raw.get("fibres") or {}).items()})
    return ImportVocabulary(
        reasons=raw["reasons"],
        statuses={str(k): str(v) for k, v in raw["statuses"].items()},
        fibres=fibres,
        categories={str(k): str(v) for k, v in (raw.get("categories") or {}).items()},
        yes=frozenset(str(v).upper() for v in raw["flag_yes"]),
        no=frozenset(str(v).upper() for v in raw["flag_no"]),
    )
