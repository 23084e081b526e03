"""Where the trainer works: the only module of `trainer` that reads the environment.

`TRAINER_PROJECT` (or `--project`) points every command at another project
root; the tests use it to run the whole cycle on a tiny copy of a project.
`TRAINERS` (names, comma-separated) and `TRAINER_IDS` (Telegram ids, the same
setting the gateway's /teach uses) say who may force a promotion.
`EVALUATION_TSV` points `evaluate` at a shop's own labelled export (text<TAB>intent)
instead of the real-buyer set `make evaluate` reads when it exists.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from paths import PROJECT_ROOT
from trainer import realbuyers


@dataclass(frozen=True)
class Project:
    """Paths of one project the trainer acts on."""

    root: Path
    drain_s: float = 30.0  # >= the gateway's Rasa client timeout (RASA_TIMEOUT)
    labelled_tsv: Path | None = None  # EVALUATION_TSV; None: the real-buyer set, if present

    @property
    def nlu_dir(self) -> Path:
        return self.root / "data" / "nlu"

    @property
    def domain(self) -> Path:
        return self.root / "domain.yml"

    @property
    def heldout(self) -> Path:
        return self.root / "tests" / "nlu_heldout" / "heldout.yml"

    @property
    def real_buyers(self) -> Path:
        """Real buyer messages beside the project (evaluation only; may be absent)."""
        return realbuyers.default_dir(self.root)

    @property
    def evaluation_tsv(self) -> Path:
        """The labelled file `evaluate` scores both models on (it may not exist): the one set,
        else the real-buyer development set, as `make evaluate` finds it."""
        return self.labelled_tsv or self.real_buyers / "dev.tsv"

    @property
    def var_dir(self) -> Path:
        return self.root / "var"

    @property
    def trainer_dir(self) -> Path:
        return self.var_dir / "trainer"

    @property
    def run_dir(self) -> Path:
        return self.var_dir / "run"

    @property
    def rasa_python(self) -> Path:
        # A tiny test project has no environments of its own: use ours.
        own = self.root / ".venv-rasa" / "bin" / "python"
        return own if own.exists() else PROJECT_ROOT / ".venv-rasa" / "bin" / "python"


def load_project(root: str | Path | None = None, env: Mapping[str, str] | None = None) -> Project:
    """The project given, else `TRAINER_PROJECT`, else this checkout."""
    env = os.environ if env is None else env
    chosen = root or env.get("TRAINER_PROJECT") or PROJECT_ROOT
    tsv = (env.get("EVALUATION_TSV") or "").strip()
    return Project(
        root=Path(chosen).resolve(),
        drain_s=float(env.get("RASA_TIMEOUT", "30")),
        labelled_tsv=Path(tsv).resolve() if tsv else None,
    )


def database_url(project: Project, env: Mapping[str, str] | None = None) -> str:
    """The shop database holding the inbox (DATABASE_URL, else the project's var/shop.db)."""
    env = os.environ if env is None else env
    url = (env.get("DATABASE_URL") or "").strip()
    if url:
        return url
    project.var_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{project.var_dir / 'shop.db'}"


def trainer_name(env: Mapping[str, str] | None = None) -> str:
    """Who runs the command, for the promotion record when --by is not given."""
    env = os.environ if env is None else env
    return env.get("TRAINER_NAME") or env.get("USER") or "unknown"


def known_trainers(env: Mapping[str, str] | None = None) -> frozenset[str]:
    """Who may force a promotion: names in TRAINERS, and TRAINER_IDS as "ID" or "telegram:ID"."""
    env = os.environ if env is None else env
    names = {n.strip() for n in (env.get("TRAINERS") or "").replace(";", ",").split(",") if n.strip()}
    for raw in (env.get("TRAINER_IDS") or "").split(","):
        if raw.strip():
            names |= {raw.strip(), f"telegram:{raw.strip()}"}
    return frozenset(names)
