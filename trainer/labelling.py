"""`label`, `ignore` and `add`: inbox decisions turned into training data.

The inbox item's status changes only after the example was written, in the
same database transaction, so a refused example leaves the item in the inbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from desk.inbox import get_item, list_items, set_status
from shop.db.engine import session_scope
from trainer import journal
from trainer.inbox import Row, group_counts, select
from trainer.nludata import Written, add_example
from trainer.settings import Project


def add(project: Project, text: str, intent: str, *, by: str) -> Written:
    written = add_example(
        text,
        intent,
        nlu_dir=project.nlu_dir,
        domain=project.domain,
        heldout=project.heldout,
        real_buyers=project.real_buyers,
    )
    journal.record(
        project.trainer_dir, kind="add", text=written.text, intent=intent, file=written.file.name, by=by
    )
    return written


def label(project: Project, db_url: str, item_id: int, intent: str, *, by: str) -> Written:
    with session_scope(db_url) as session:
        item = get_item(item_id, session=session)
        # The inbox keeps no entities; and the training data annotates none (see nludata).
        written = add_example(
            item.text,
            intent,
            nlu_dir=project.nlu_dir,
            domain=project.domain,
            heldout=project.heldout,
            real_buyers=project.real_buyers,
        )
        set_status(item_id, "labelled", session=session)
    journal.record(
        project.trainer_dir,
        kind="label",
        item=item_id,
        text=written.text,
        intent=intent,
        file=written.file.name,
        by=by,
    )
    return written


def ignore(db_url: str, item_id: int) -> Any:
    with session_scope(db_url) as session:
        return set_status(item_id, "dismissed", session=session)


def inbox(
    db_url: str,
    *,
    reason: str | None = None,
    intent: str | None = None,
    since: datetime | None = None,
    status: str | None = "new",
    limit: int = 1000,
) -> list[Row]:
    with session_scope(db_url) as session:
        items = list_items(session=session, status=status, reason=reason, limit=limit)
    # Similar messages are counted over all listed items, before the intent/date filter.
    rows = group_counts(items)
    keep = {id(i) for i in select(items, intent=intent, since=since)}
    return [r for r in rows if id(r.item) in keep]
