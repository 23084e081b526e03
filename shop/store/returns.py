"""Return and exchange requests, one per order item.

Whether an item may still be returned is decided by ``shop.rules.returns``;
this module only records the request, safely under concurrency.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from shop.db.engine import insert_ignoring_conflict, translate_db_errors
from shop.db.inputs import clean_text, require_choice
from shop.models import RETURN_KINDS, ReturnRequest, utcnow
from shop.store.orders import order_item_for_buyer


@translate_db_errors
def create_return_request(
    order_item_id: int,
    buyer_account: str,
    *,
    kind: str,
    reason: str,
    session: Session,
    now: datetime | None = None,
) -> ReturnRequest | None:
    """Record a return/exchange request for one of the buyer's items; idempotent.

    Returns the item's request: the new one, or the one that already existed
    (unchanged, even if ``kind`` differs). Returns ``None`` when the item does
    not exist or belongs to another buyer: the two cases look the same.
    Raises :class:`~shop.db.errors.InvalidInput` for a ``kind`` that is not
    "return" or "exchange". Create one request per transaction: two
    transactions creating several requests in opposite orders could deadlock.
    """
    kind = require_choice(kind, "kind", RETURN_KINDS)
    item = order_item_for_buyer(order_item_id, buyer_account, session=session)
    if item is None:
        return None
    if item.return_request is not None:
        return item.return_request
    # ON CONFLICT DO NOTHING + re-read instead of catching IntegrityError: a
    # concurrent creator (another worker thread, a redelivered update) makes
    # us wait for its commit and then read its row, and our transaction stays usable.
    insert_ignoring_conflict(
        session,
        ReturnRequest,
        {
            "order_item_id": item.id,
            "kind": kind,
            "reason": clean_text(reason) or "",
            "created_at": now or utcnow(),
            "status": "requested",
        },
        conflict=["order_item_id"],
    )
    stmt = select(ReturnRequest).where(ReturnRequest.order_item_id == item.id)
    request = session.scalars(stmt).one()
    # The item (and any order holding it) was loaded before the insert; keep
    # it consistent without a reload, so it stays usable after the session.
    set_committed_value(item, "return_request", request)
    set_committed_value(request, "order_item", item)
    return request
