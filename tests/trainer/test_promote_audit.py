"""Issue 16 item 15: forcing a promotion needs a known trainer and a reason; every change is audited.

No training here: the models are stand-in files and the last evaluation is
written as `trainer evaluate` would, saying the candidate is worse.
"""

from __future__ import annotations

import json

import pytest

from trainer import audit
from trainer import state as st
from trainer.cli import main
from trainer.settings import known_trainers

LIVE, CANDIDATE = "models/live.tar.gz", "models/candidate.tar.gz"
WORSE = "ask_stock: F1 drops 0.40"


@pytest.fixture
def project(tiny, monkeypatch):
    for model in (LIVE, CANDIDATE):
        (tiny.root / model).parent.mkdir(parents=True, exist_ok=True)
        (tiny.root / model).write_bytes(b"stand-in")
    st.save(tiny.trainer_dir, st.State(live=LIVE, candidate=CANDIDATE))
    last = {
        "at": "2026-12-06T00:00:00+00:00",
        "candidate": CANDIDATE,
        "live": LIVE,
        "refused_because": [WORSE],
        "models": {"candidate": {"macro_f1": 0.5}, "live": {"macro_f1": 0.7}},
    }
    (tiny.trainer_dir / "last_evaluation.json").write_text(json.dumps(last), encoding="utf-8")
    monkeypatch.setenv("TRAINER_NAME", "mei")
    monkeypatch.setenv("TRAINERS", "boss, mei")
    monkeypatch.delenv("TRAINER_IDS", raising=False)
    return tiny


def _cli(project, *args: str) -> int:
    return main(["--project", str(project.root), *args])


@pytest.mark.parametrize(
    "args",
    [
        ("--force", "--by", "boss"),  # no reason
        ("--force", "--by", "boss", "--why", "   "),  # a blank reason
        ("--force", "--by", "boss", "--why", ""),
        ("--force", "--by", "mallory", "--why", "trust me"),  # not a trainer
    ],
)
def test_a_force_without_a_known_trainer_and_a_reason_is_refused(project, capsys, args):
    assert _cli(project, "promote", *args) == 1
    assert "not done" in capsys.readouterr().err
    assert st.load(project.trainer_dir).live == LIVE
    assert audit.entries(project.trainer_dir) == []


def test_nobody_may_force_when_no_trainer_is_configured(project, monkeypatch, capsys):
    monkeypatch.delenv("TRAINERS")
    assert _cli(project, "promote", "--force", "--by", "boss", "--why", "demo tomorrow") == 1
    assert "TRAINERS" in capsys.readouterr().err
    assert st.load(project.trainer_dir).live == LIVE


def test_forced_promote_and_rollback_are_appended_to_the_audit_log(project, capsys):
    assert _cli(project, "promote") == 1  # the gate still refuses without --force
    assert _cli(project, "promote", "--force", "--by", "boss", "--why", "demo tomorrow") == 0
    first = audit.audit_file(project.trainer_dir).read_text(encoding="utf-8")
    assert _cli(project, "rollback", "--why", "customers confused") == 0
    log = audit.audit_file(project.trainer_dir).read_text(encoding="utf-8")
    assert log.startswith(first)  # appended, never rewritten
    entries = audit.entries(project.trainer_dir)
    assert [(e["action"], e["model"], e["by"], e["why"], e["forced"]) for e in entries] == [
        ("promote", CANDIDATE, "boss", "demo tomorrow", True),
        ("rollback", LIVE, "mei", "customers confused", False),
    ]
    assert entries[0]["overridden"] == [WORSE] and all(e["at"] for e in entries)
    # Losing or rewriting state.json loses nothing of the record.
    st.state_file(project.trainer_dir).unlink()
    capsys.readouterr()
    assert _cli(project, "history") == 0
    out = capsys.readouterr().out
    assert "promote FORCED" in out and "by boss" in out and "demo tomorrow" in out and WORSE in out
    assert "rollback" in out and "customers confused" in out
    assert _cli(project, "status") == 0
    assert "customers confused" in capsys.readouterr().out


def test_trainers_come_from_names_and_telegram_ids():
    env = {"TRAINERS": "amy, boss;", "TRAINER_IDS": "42"}
    assert known_trainers(env) == {"amy", "boss", "42", "telegram:42"}
    assert known_trainers({}) == frozenset()
