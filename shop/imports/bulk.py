"""Set-based reads and writes for large imports: rows read by key in chunks, written in batches.

The ORM's unit of work costs about a millisecond per object (attribute events,
history, the flush's dependency sort); an order export of 100 000 lines is
200 000 objects. The order and tracking appliers therefore read the rows a file
touches as plain dicts, ``IN (...)`` of :data:`CHUNK` keys at a time, diff them
in memory and write only new and changed rows, one executemany per kind of
change; so do the catalogue's (products, size charts, stock). They run in the
caller's session and transaction, so a dry run or a strict import still rolls
everything back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

# Keys per IN (...): well under SQLite's 32 766 bound parameters and PostgreSQL's
# 65 535, small enough that a chunk's rows fit comfortably in memory.
CHUNK = 500

T = TypeVar("T")


def chunks(keys: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def rows_where_in(
    session: Session, table: Table, column: ColumnElement[Any], keys: Iterable[Any], *order_by: Any
) -> list[dict[str, Any]]:
    """Every row of ``table`` whose ``column`` is one of ``keys``, as dicts keyed by column name."""
    found: list[dict[str, Any]] = []
    for chunk in chunks(list(dict.fromkeys(keys))):
        query = select(table).where(column.in_(chunk)).order_by(*order_by)
        found.extend(dict(row) for row in session.execute(query).mappings())
    return found


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts with the same keys) with one executemany."""
    if rows:
        session.execute(insert(table), rows)


def update_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """UPDATE each row by its primary key (``id``) with the other columns it names.

    Rows are grouped by the set of columns they change: one executemany per group.
    """
    update_rows_by(session, table, "id", rows)


def update_rows_by(session: Session, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """:func:`update_rows` for a table keyed by another column (``products.code``)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(k for k in row if k != key)), []).append(row)
    for columns, group in groups.items():
        # Bound names differ from the column names: SQLAlchemy reserves those for SET.
        statement = (
            update(table)
            .where(table.c[key] == bindparam("key_id"))
            .values({column: bindparam(f"new_{column}") for column in columns})
        )
        session.execute(
            statement, [{"key_id": row[key], **{f"new_{c}": row[c] for c in columns}} for row in group]
        )


def delete_rows(session: Session, table: Table, ids: Sequence[Any]) -> None:
    delete_where_in(session, table, table.c.id, ids)


def delete_where_in(session: Session, table: Table, column: ColumnElement[Any], keys: Sequence[Any]) -> None:
    """DELETE the rows of ``table`` whose ``column`` is one of ``keys``, :data:`CHUNK` keys a statement."""
    for chunk in chunks(keys):
        session.execute(delete(table).where(column.in_(chunk)))


def expire_loaded(session: Session, *models: type) -> None:
    """Expire the session's objects of ``models``: rows changed under them by these writes."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, models):
            session.expire(obj)
