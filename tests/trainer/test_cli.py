"""The CLI on a tiny project: inbox, label, ignore, add, status (no training here)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from desk.inbox import add_item, list_items
from shop.db.engine import session_scope
from tests.trainer.rasa_reader import rasa_examples
from trainer import journal
from trainer.cli import main


@pytest.fixture
def cli(tiny, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TRAINER_NAME", "mei")

    def run(*args: str) -> int:
        return main(["--project", str(tiny.root), *args])

    return run


def _fill(url: str) -> list[int]:
    with session_scope(url) as s:
        now = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)
        a = add_item(
            text="亲 还能再便宜不",
            reason="low_confidence",
            model_intent="greet",
            confidence=0.4,
            runner_up_intent="bargain",
            runner_up_confidence=0.35,
            session=s,
            now=now,
        )
        b = add_item(
            text="亲 还能再便宜不？",
            reason="rejected",
            model_intent="greet",
            confidence=0.7,
            agent_intent="bargain",
            session=s,
            now=now,
        )
        c = add_item(
            text="发什么快递", reason="unhandled", session=s, now=datetime(2026, 11, 1, tzinfo=timezone.utc)
        )
        return [a.id, b.id, c.id]


def test_inbox_shows_model_agent_and_similar_counts(cli, sqlite_url, capsys):
    _fill(sqlite_url)
    assert cli("inbox") == 0
    out = capsys.readouterr().out
    assert "亲 还能再便宜不" in out and "greet 40%, runner-up bargain 35%" in out
    assert "similar messages: 2" in out and "agent picked / 客服选了: bargain" in out
    assert cli("inbox", "--reason", "unhandled") == 0
    out = capsys.readouterr().out
    assert "发什么快递" in out and "便宜" not in out
    assert cli("inbox", "--since", "2026-11-15") == 0
    assert "发什么快递" not in capsys.readouterr().out


def test_label_writes_marks_and_journals_and_refuses_the_duplicate(cli, tiny, sqlite_url, capsys):
    first, second, third = _fill(sqlite_url)
    assert cli("label", str(first), "bargain") == 0
    assert "added to data/nlu/bargain.yml" in capsys.readouterr().out
    path = tiny.nlu_dir / "bargain.yml"
    assert ("亲 还能再便宜不", "bargain") in rasa_examples(path)[str(path)]
    # The near-identical second message is a duplicate: refused, and it stays in the inbox.
    assert cli("label", str(second)) == 1  # no intent given: the agent's pick (bargain)
    assert "already there" in capsys.readouterr().err
    assert cli("ignore", str(third)) == 0
    with session_scope(sqlite_url) as s:
        statuses = {i.id: i.status for i in list_items(session=s, status=None)}
    assert statuses == {first: "labelled", second: "new", third: "dismissed"}
    assert [(e["kind"], e["item"], e["intent"], e["by"]) for e in journal.entries(tiny.trainer_dir)] == [
        ("label", first, "bargain", "mei")
    ]


def test_add_and_its_refusals(cli, tiny, capsys):
    assert cli("add", "有没有现货", "ask_stock") == 0
    assert "data/nlu/presale.yml" in capsys.readouterr().out
    assert cli("add", "有沒有現貨!", "ask_shipping_fee") == 1
    assert "already filed under 'ask_stock'" in capsys.readouterr().err
    assert cli("add", "多少钱", "ask_price") == 1
    assert "Valid intents / 可用意图: ask_shipping_fee, ask_stock, bargain, greet" in capsys.readouterr().err


def test_status_and_refusals_without_a_model(cli, capsys):
    assert cli("status") == 0
    assert "run ./trainer.sh train" in capsys.readouterr().out
    assert cli("promote") == 1
    assert "no candidate model" in capsys.readouterr().err
    assert cli("rollback") == 1
    assert "no earlier live model" in capsys.readouterr().err


def test_every_command_has_help(capsys):
    for command in ("inbox", "label", "ignore", "add", "train", "evaluate", "promote", "rollback", "status"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "usage: trainer " + command in capsys.readouterr().out


def test_no_command_shows_the_help_instead_of_an_error(capsys):
    """`./trainer.sh` alone (issue 19): the commands a trainer can use, exit 0."""
    assert main([]) == 0
    out = capsys.readouterr().out
    for command in ("inbox", "label", "add", "train", "evaluate", "promote", "rollback", "status"):
        assert command in out
