"""What the trainers' model page shows of the last evaluation (trainer/evaluation.py's saved comparison).

Scores side by side with their change in points, the confusion pictures, the
labelled file's numbers (never its texts: the real-buyer set is for research
use), the trainers' labelled messages and the promotion gate's verdict.
The pictures are files trainer/ wrote under var/trainer/; a request only ever
picks one of PICTURES' fixed names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.evaluation import file_scores
from trainer.settings import Project

# Which picture -> its file in the trainer's folder (nlu/evaluation/compare.py names them).
PICTURES = {
    "candidate": "confusion_candidate.png",
    "live": "confusion_live.png",
    "change": "confusion_change.png",
    "file_candidate": "confusion_file_candidate.png",  # on the labelled file
    "file_change": "confusion_file_change.png",
}


@dataclass(frozen=True)
class Row:
    """One score of both models: `rows` is the labelled file's gold rows of an intent."""

    name: str
    live: float | None
    candidate: float
    rows: int | None = None
    key: str = ""  # a summary row's wording in the template (macro_f1, macro_f1_large, accuracy)

    @property
    def change(self) -> float | None:
        """In points (percent), as the promotion gate counts them."""
        return None if self.live is None else round((self.candidate - self.live) * 100, 1)

    @property
    def trend(self) -> str:
        change = self.change
        return "" if not change else ("up" if change > 0 else "down")


def picture_file(project: Project, comparison: dict[str, Any] | None, which: str) -> Path | None:
    """The picture `which` of the last evaluation, if it made one and it is still there."""
    name = PICTURES.get(which)
    if name is None or comparison is None:
        return None
    if which == "change":
        made = bool(comparison.get("confusion_change_png"))
    elif which.startswith("file_"):
        made = which in (comparison.get("labelled_file") or {}).get("confusion_pngs", {})
    else:
        made = which in comparison["models"]
    path = project.trainer_dir / name
    return path if made and path.is_file() else None


def _heldout_rows(comparison: dict[str, Any]) -> list[Row]:
    models = comparison["models"]
    cand, live = models["candidate"], models.get("live")
    rows = [
        Row("macro-F1", live["macro_f1"] if live else None, cand["macro_f1"], key="macro_f1"),
        Row("accuracy", live.get("accuracy") if live else None, cand.get("accuracy", 0.0), key="accuracy"),
    ]
    for intent in sorted(cand["per_intent"]):
        old = live["per_intent"].get(intent, {}).get("f1") if live else None
        rows.append(Row(intent, old, cand["per_intent"][intent]["f1"], cand["per_intent"][intent]["support"]))
    return rows


def _file(comparison: dict[str, Any]) -> dict[str, Any] | None:
    about = comparison.get("labelled_file")
    if not about:
        return None
    view = {
        "name": Path(about["file"]).name,
        "real_buyers": bool(about.get("real_buyers")),
        "error": about.get("error"),
    }
    if not view["error"]:
        counts = comparison["models"]["candidate"]["labelled_file"]["rows_per_intent"]
        scores = file_scores(comparison)
        view["messages"] = about["messages"]
        view["min_rows"] = comparison["models"]["candidate"]["labelled_file"]["min_rows"]
        keys = ("macro_f1", "macro_f1_large", "accuracy")  # file_scores' first three rows
        view["summary"] = [Row(*row, key=key) for row, key in zip(scores[:3], keys, strict=True)]
        view["intents"] = [Row(name, old, new, counts.get(name)) for name, old, new in scores[3:]]
    return view


def evaluation_view(comparison: dict[str, Any], project: Project) -> dict[str, Any]:
    """The template's view of a saved comparison."""
    has_live = "live" in comparison["models"]
    return {
        "at": comparison.get("at", ""),
        "candidate": comparison.get("candidate"),
        "live": comparison.get("live"),
        "has_live": has_live,
        "heldout_n": comparison.get("n"),
        "heldout": _heldout_rows(comparison),
        "pictures": [w for w in ("candidate", "live", "change") if picture_file(project, comparison, w)],
        "file_pictures": [
            w for w in ("file_candidate", "file_change") if picture_file(project, comparison, w)
        ],
        "file": _file(comparison),
        "labelled": [
            {**r, "right": r["candidate"] == r["labelled"]} for r in comparison.get("labelled") or []
        ],
        "refused_because": comparison.get("refused_because") or [],
    }
