"""The console benchmark's harness (not its timings): it seeds, serves, signs in and reports every line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bench import console as bench_console
from shop.db.engine import dispose_engine, session_scope
from shop.models import AgentDecision, Draft, OutboundMessage


def test_seed_has_waiting_drafts_decided_ones_and_histories(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    seeded = bench_console.seed(url, 300)
    try:
        with session_scope(url) as session:
            states = dict(session.execute(select(Draft.state, func.count()).group_by(Draft.state)).all())
            decisions = session.scalar(select(func.count()).select_from(AgentDecision))
            sent = session.scalar(select(func.count()).select_from(OutboundMessage))
            last = session.get(Draft, seeded.conversation_draft)
            same_chat = session.scalar(
                select(func.count()).where(Draft.conversation_id == last.conversation_id)
            )
    finally:
        dispose_engine(url)
    assert sum(states.values()) == 300
    assert states["pending"] == seeded.waiting == 30  # a tenth of a small seed, at most 100
    assert states["sent"] > states["rejected"] > 0  # most are decided, most of those sent
    assert decisions > 0 and sent > 0
    assert last.state == "pending" and same_chat >= bench_console.DRAFTS_PER_CONVERSATION  # a history


def test_tiny_run_on_sqlite_reports_every_line(tmp_path: Path, capsys) -> None:
    results = tmp_path / "console.md"
    args = "--drafts 200 --backend sqlite --requests 3 --samples 2 --results".split()
    code = bench_console.main([*args, str(results)])
    assert code == 0
    table = results.read_text(encoding="utf-8")
    assert table == capsys.readouterr().out.rstrip("\n") + "\n"
    assert "when it began: `" in table and table.count("load average") == 2
    rows = [line for line in table.splitlines() if line.startswith("| SQLite |")]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert len(cells) == 9 and cells[2] == "20"  # database, seed, waiting, 4 page times, 2 arrival times
    assert all(c.endswith(" ms") for c in cells[3:7]) and all(c.endswith(" s") for c in cells[7:])
