"""`python -m console create-owner` makes the first owner (argon2 hash, never the password)."""

from __future__ import annotations

import io

from sqlalchemy import select

from console.__main__ import main
from shop.db.engine import session_scope
from shop.models.console import ConsoleAccount


def test_create_owner_stores_an_argon2_hash_and_refuses_a_short_password(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["create-owner", "boss", "--password-stdin"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-secret\n"))
    assert main(["create-owner", "Boss", "--password-stdin"]) == 0
    with session_scope(sqlite_url) as session:
        rows = session.scalars(select(ConsoleAccount)).all()
        assert [(r.username, r.role, r.active) for r in rows] == [("boss", "owner", True)]
        assert rows[0].password_hash.startswith("$argon2id$")
        assert "a-long-enough-secret" not in rows[0].password_hash
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-secret\n"))
    assert main(["create-owner", "boss", "--password-stdin"]) == 2
    assert "taken" in capsys.readouterr().err
