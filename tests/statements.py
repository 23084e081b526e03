"""Counting the SQL statements an engine runs, for tests that a page or a batch costs a constant number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event


@contextmanager
def statements(engine: Engine, matching: re.Pattern[str] | None = None) -> Iterator[list[str]]:
    """The statements `engine` runs while the block runs (only those `matching` searches, if given)."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if matching is None or matching.search(statement):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
