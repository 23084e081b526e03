"""The trainers' comparison reads the labelled file as `make evaluate` does and keeps only numbers of it."""

from __future__ import annotations

from pathlib import Path

from nlu.evaluation.compare import load_labelled
from nlu.evaluation.labelled import file_numbers

DOMAIN = 'version: "3.1"\nintents:\n  - greet\n  - ask_stock\n'


def _files(tmp_path: Path, rows: str) -> tuple[Path, Path]:
    (tmp_path / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (tmp_path / "labels.tsv").write_text(rows, encoding="utf-8")
    return tmp_path / "labels.tsv", tmp_path / "domain.yml"


def test_a_bad_row_is_reported_by_line_without_its_text_and_the_rest_still_runs(tmp_path: Path) -> None:
    tsv, domain = _files(tmp_path, "text\tlabel\n早上好呀\tgreet\n这件有货没\task_size\n")
    labelled, about = load_labelled(tsv, domain)
    assert labelled is None and about["file"] == str(tsv)
    assert "line 3" in about["error"] and "ask_size" in about["error"] and "这件有货没" not in about["error"]


def test_the_files_numbers_are_scores_and_intent_names_only(tmp_path: Path) -> None:
    tsv, domain = _files(tmp_path, "早上好呀\tgreet\n这件有货没\task_stock\n白色还有吗\task_stock\n")
    labelled, about = load_labelled(tsv, domain)
    assert about == {"file": str(tsv), "messages": 3}
    predictions = [{"intent": i, "confidence": 0.9} for i in ("greet", "greet", "ask_stock")]
    numbers = file_numbers(tsv, labelled[1], predictions)
    assert numbers["accuracy"] == 2 / 3 and numbers["rows_per_intent"] == {"ask_stock": 2, "greet": 1}
    assert numbers["per_intent"]["ask_stock"]["recall"] == 0.5 and numbers["large_intents"] == []
    assert not any(text in repr(numbers) for text in ("早上好呀", "这件有货没", "白色还有吗"))
