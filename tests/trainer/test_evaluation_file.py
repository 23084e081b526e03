"""Which labelled file `evaluate` scores both models on, and how the CLI reports it (numbers only)."""

from __future__ import annotations

from pathlib import Path

from tests.trainer.tiny import LABELLED
from trainer.evaluation import _labelled_file_args, labelled_file_lines
from trainer.settings import Project, load_project


def test_by_default_the_real_buyer_set_beside_the_project_as_make_evaluate_reads_it(tmp_path: Path) -> None:
    project = load_project(tmp_path / "shop", env={})
    assert project.evaluation_tsv == tmp_path / "shared" / "real-buyers" / "dev.tsv"
    assert _labelled_file_args(project) == ([], None)  # absent: held-out only, nothing to say
    project.evaluation_tsv.parent.mkdir(parents=True)
    project.evaluation_tsv.write_text("text\tlabel\n", encoding="utf-8")
    args, note = _labelled_file_args(project)
    assert args == ["--tsv", str(project.evaluation_tsv), "--domain", str(project.domain)] and note is None


def test_evaluation_tsv_points_at_a_shops_own_export_and_a_missing_one_is_reported(tmp_path: Path) -> None:
    chosen = load_project(tmp_path, env={"EVALUATION_TSV": str(LABELLED)})
    assert chosen.evaluation_tsv == LABELLED
    assert _labelled_file_args(chosen)[0][:2] == ["--tsv", str(LABELLED)]
    missing = Project(root=tmp_path, labelled_tsv=tmp_path / "gone.tsv")
    assert _labelled_file_args(missing) == (
        [],
        {"file": str(tmp_path / "gone.tsv"), "error": "the file does not exist"},
    )


def _numbers(accuracy: float, stock: float) -> dict:
    return {
        "min_rows": 20,
        "rows_per_intent": {"ask_stock": 21, "greet": 4},
        "macro_f1_all": 0.8,
        "macro_f1_large": stock,
        "accuracy": accuracy,
        "per_intent": {"ask_stock": {"f1": stock}, "greet": {"f1": 0.8}},
    }


def test_the_cli_reports_the_files_numbers_and_says_when_there_is_none() -> None:
    comparison = {
        "labelled_file": {"file": "export.tsv", "messages": 25},
        "models": {
            "candidate": {"labelled_file": _numbers(0.9, 0.75)},
            "live": {"labelled_file": _numbers(0.8, 0.7)},
        },
    }
    lines = labelled_file_lines(comparison)
    assert lines[0] == "labelled file / 标注文件: export.tsv (25 messages)"
    assert [line.split()[-1] for line in lines[1:]] == ["+0.0", "+5.0", "+10.0", "+5.0", "+0.0"]
    assert lines[4].startswith("  ask_stock (21)")
    assert labelled_file_lines({"models": {}})[0].startswith("labelled file / 标注文件: none")
    error = {"labelled_file": {"file": "x.tsv", "error": "x.tsv, line 3: unknown label 'foo'"}, "models": {}}
    assert labelled_file_lines(error) == [
        "labelled file / 标注文件 x.tsv: not scored: x.tsv, line 3: unknown label 'foo'"
    ]
