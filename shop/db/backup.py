"""Back up and restore the shop database: ``python -m shop.db.backup save|restore FILE``.

PostgreSQL: ``pg_dump`` in its custom format and ``pg_restore --clean`` (the
PostgreSQL client tools must be installed; the server's own version is used
when found). SQLite: SQLite's online backup, safe while the servers run.
Restore replaces everything in the database ``DATABASE_URL`` names with the
backup. docs/production.md has the routine around it.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

from shop.db.devpg import find_bindir
from shop.db.engine import dispose_engine
from shop.db.settings import database_url


class BackupError(RuntimeError):
    """A backup or restore that did not complete; the message says why."""


def _libpq_url(url: str) -> str:
    # pg_dump speaks libpq URLs: no SQLAlchemy driver suffix.
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    bindir = find_bindir()
    if bindir is not None and (bindir / name).exists():
        return str(bindir / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return found


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{cmd[0]} exited {done.returncode}")


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def save(target: Path, *, url: str | None = None) -> None:
    """Write a backup of the shop database to ``target``."""
    url = url or database_url()
    if make_url(url).get_backend_name() == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _libpq_url(url)])
    else:
        target.unlink(missing_ok=True)
        _sqlite_copy(_sqlite_path(url), target)


def restore(source: Path, *, url: str | None = None) -> None:
    """Replace the shop database's contents with the backup in ``source``."""
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    url = url or database_url()
    dispose_engine(url)  # no pooled connection may hold the old tables
    if make_url(url).get_backend_name() == "postgresql":
        cmd = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run([*cmd, f"--dbname={_libpq_url(url)}", str(source)])
    else:
        _sqlite_copy(source, _sqlite_path(url))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop.db.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("save", "restore"))
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        (save if args.action == "save" else restore)(args.file)
    except (BackupError, sqlite3.Error) as error:
        print(f"backup {args.action} {args.file}: {error}", file=sys.stderr)
        return 1
    print(
        f"{'saved the shop database to' if args.action == 'save' else 'restored the shop database from'} {args.file}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
