"""32 concurrent sessions (threads, like the action server's workers) on one database.

Lookups and return-request creation race on the same rows: no deadlock, no
duplicate return request, every answer correct, exactly one winner of a claim.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from desk import store as cs
from shop.db.engine import session_scope
from shop.models import ReturnRequest
from shop.store.catalogue import get_product, stock_levels
from shop.store.linking import buyer_for_chat, ensure_verified_link
from shop.store.orders import order_for_buyer, orders_for_buyer
from shop.store.returns import create_return_request

THREADS = 32
ROUNDS = 4
OWN = {
    "tb_linlin": ["5021873340004", "5021873340005", "5021873340007"],
    "tb_ahua": ["5021873349001"],
}
OTHER = {"tb_linlin": "5021873349001", "tb_ahua": "5021873340004"}
ORDER_COUNT = {"tb_linlin": 7, "tb_ahua": 1}


def _prepare(engine: Engine) -> int:
    with Session(engine) as session, session.begin():
        for account in OWN:
            ensure_verified_link("telegram", f"chat-{account}", account, session=session)
        conversation = cs.ensure_conversation("telegram", 1, 1, session=session)
        return cs.record_draft(
            conversation_id=conversation.id, inbound_id=None, texts=["x"], session=session
        ).id


def _worker(engine: Engine, barrier: threading.Barrier, index: int, draft_id: int) -> dict:
    account = "tb_ahua" if index % 4 == 3 else "tb_linlin"
    created: list[tuple[str, int, int]] = []
    barrier.wait(timeout=60)
    with Session(engine) as session, session.begin():
        claimed = cs.claim_draft(draft_id, ["pending"], "sent", session=session)
    for round_no in range(ROUNDS):
        with Session(engine) as session, session.begin():
            buyer = buyer_for_chat("telegram", f"chat-{account}", session=session)
            assert buyer is not None and buyer.account == account
            orders = orders_for_buyer(account, session=session)
            assert len(orders) == ORDER_COUNT[account]
            assert all(o.buyer.account == account for o in orders)
            assert order_for_buyer(OTHER[account], account, session=session) is None
            assert len(stock_levels("0201", session=session)) == 8
            assert get_product("0420", session=session).no_reason_return is False
        order_id = OWN[account][(index + round_no) % len(OWN[account])]
        # One unit of work per request, as one action run does.
        with Session(engine) as session, session.begin():
            order = order_for_buyer(order_id, account, session=session)
            item_id = order.items[0].id
            request = create_return_request(
                item_id, account, kind="return", reason=f"t{index}", session=session
            )
            assert request is not None and request.order_item_id == item_id
            created.append((order_id, item_id, request.id))
    return {"claimed": claimed, "created": created}


def test_32_concurrent_sessions(engine: Engine, demo: object) -> None:
    draft_id = _prepare(engine)
    barrier = threading.Barrier(THREADS)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(_worker, engine, barrier, i, draft_id) for i in range(THREADS)]
        # A deadlock would hang here; the timeout turns it into a failure.
        results = [future.result(timeout=120) for future in futures]
    elapsed = time.monotonic() - started

    assert sum(r["claimed"] for r in results) == 1
    ids_per_item: dict[int, set[int]] = defaultdict(set)
    for result in results:
        for _order_id, item_id, request_id in result["created"]:
            ids_per_item[item_id].add(request_id)
    assert len(ids_per_item) == sum(len(v) for v in OWN.values())
    assert all(len(ids) == 1 for ids in ids_per_item.values())
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReturnRequest)) == len(ids_per_item)
        stored = dict(session.execute(select(ReturnRequest.order_item_id, ReturnRequest.id)).all())
    assert stored == {item: ids.pop() for item, ids in ids_per_item.items()}
    assert elapsed < 60


def test_asyncio_to_thread_units_of_work(db_url: str, demo: object) -> None:
    """The way actions call the shop: one session per run, in a worker thread."""

    def run(account: str) -> list[str]:
        with session_scope(db_url) as session:
            return [o.id for o in orders_for_buyer(account, session=session)]

    async def main() -> list[list[str]]:
        return await asyncio.gather(*(asyncio.to_thread(run, a) for a in ["tb_linlin", "tb_ahua"] * 16))

    results = asyncio.run(main())
    assert [len(r) for r in results] == [7, 1] * 16
