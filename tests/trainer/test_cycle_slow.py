"""train → evaluate → promote on a tiny project; a worse candidate is refused; --force is recorded."""

from __future__ import annotations

import json

import pytest

from tests.trainer.tiny import EXAMPLES, FILES, LABELLED, nlu_yaml
from trainer import state as st
from trainer.cli import main

pytestmark = pytest.mark.slow


def test_train_evaluate_promote_refuse_force_rollback(tiny_with_model, capsys, monkeypatch):
    project = tiny_with_model
    monkeypatch.setenv("TRAINER_NAME", "amy")
    monkeypatch.setenv("TRAINERS", "amy,boss")  # who may force (trainer/settings.py)

    def cli(*args: str) -> int:
        return main(["--project", str(project.root), *args])

    first = st.load(project.trainer_dir).candidate
    assert cli("promote") == 0  # nothing live yet: no gate, state only (no servers run)
    assert "next start serves" in capsys.readouterr().out
    assert st.load(project.trainer_dir).live == first

    # A better candidate: one more phrasing; only what changed is retrained.
    assert cli("add", "能不能再少一点", "bargain") == 0
    assert cli("train") == 0
    second = st.load(project.trainer_dir).candidate
    assert second != first and (project.root / second).exists()
    log = (project.trainer_dir / "train.log").read_text(encoding="utf-8")
    assert "Restored component" in log  # Rasa's cache was used
    # A shop's own labelled export (EVALUATION_TSV): both models scored on it too, numbers only.
    monkeypatch.setenv("EVALUATION_TSV", str(LABELLED))
    assert cli("evaluate") == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "may be promoted" in out
    assert f"labelled file / 标注文件: {LABELLED} (12 messages)" in out and "  ask_stock (3)" in out
    saved = json.loads((project.trainer_dir / "last_evaluation.json").read_text(encoding="utf-8"))
    assert set(saved["models"]) == {"candidate", "live"} and saved["candidate"] == second
    assert saved["models"]["live"]["labelled_file"]["messages"] == 12
    # Each model's, the cells that changed, and on the labelled file the candidate's and the changes.
    for picture in ("candidate", "live", "change", "file_candidate", "file_change"):
        assert (project.trainer_dir / f"confusion_{picture}.png").read_bytes().startswith(b"\x89PNG")
    monkeypatch.delenv("EVALUATION_TSV")
    assert cli("promote", "--why", "more bargaining phrasings") == 0
    state = st.load(project.trainer_dir)
    assert (state.live, state.history) == (second, [first])

    # A deliberately worse candidate: every ask_stock example filed under bargain.
    bad = {i: list(ex) for i, ex in EXAMPLES.items()}
    bad["bargain"] += bad["ask_stock"][2:]
    bad["ask_stock"] = bad["ask_stock"][:2]
    presale = {i: ex for i, ex in bad.items() if FILES[i] == "presale"}
    (project.nlu_dir / "presale.yml").write_text(nlu_yaml(presale), encoding="utf-8")
    (project.nlu_dir / "bargain.yml").write_text(nlu_yaml({"bargain": bad["bargain"]}), encoding="utf-8")
    assert cli("train") == 0
    third = st.load(project.trainer_dir).candidate
    capsys.readouterr()
    assert cli("promote") == 1
    err = capsys.readouterr().err
    assert "worse than the live model" in err and "ask_stock: F1 drops" in err
    assert st.load(project.trainer_dir).live == second
    assert cli("promote", "--force", "--by", "boss") == 1  # forcing needs a reason
    assert cli("promote", "--force", "--by", "boss", "--why", "demo tomorrow") == 0
    state = st.load(project.trainer_dir)
    last = state.promotions[-1]
    assert (state.live, last["by"], last["why"], last["forced"]) == (third, "boss", "demo tomorrow", True)
    assert any("ask_stock" in r for r in last["overridden"])

    assert cli("rollback", "--why", "it was worse") == 0
    state = st.load(project.trainer_dir)
    assert (state.live, state.history, state.promotions[-1]["action"]) == (second, [first], "rollback")
    assert cli("status") == 0
    out = capsys.readouterr().out
    assert f"live model / 线上模型:    {second}" in out and f"candidate / 候选模型:     {third}" in out
