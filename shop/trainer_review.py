"""What a trainer does with an inbox item: file it under an intent, or dismiss it.

Extends shop/trainer_inbox.py (adding and listing) with the status changes.
The intent a trainer chose is kept in the trainer's journal
(var/trainer/labels.jsonl, trainer/journal.py): the inbox table has no column for it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from shop.db.engine import translate_db_errors
from shop.db.errors import InvalidInput
from shop.models.training import INBOX_STATUSES, TrainerInboxItem


@translate_db_errors
def get_item(item_id: int, *, session: Session) -> TrainerInboxItem:
    item = session.get(TrainerInboxItem, item_id)
    if item is None:
        raise InvalidInput(f"no inbox item {item_id}")
    return item


@translate_db_errors
def set_status(item_id: int, status: str, *, session: Session) -> TrainerInboxItem:
    """Mark an item "labelled" or "dismissed" (or back to "new")."""
    if status not in INBOX_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(INBOX_STATUSES)}")
    item = get_item(item_id, session=session)
    item.status = status
    session.flush()
    return item
