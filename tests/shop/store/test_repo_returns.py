"""shop.store.returns: one request per order item, idempotent, buyer-scoped."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shop.db.errors import InvalidInput
from shop.models import ReturnRequest
from shop.store.orders import order_for_buyer
from shop.store.returns import create_return_request


def _item_id(session: Session, order_id: str, account: str) -> int:
    return order_for_buyer(order_id, account, session=session).items[0].id


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ReturnRequest))


def test_create_return_request(demo_session: Session) -> None:
    item_id = _item_id(demo_session, "5021873340004", "tb_linlin")
    request = create_return_request(
        item_id, "tb_linlin", kind="return", reason="尺码不合适", session=demo_session
    )
    assert request is not None
    assert (request.kind, request.reason, request.status) == ("return", "尺码不合适", "requested")
    assert request.created_at.tzinfo is not None
    assert request.order_item.id == item_id
    demo_session.commit()
    assert _count(demo_session) == 1


def test_idempotent_per_item(demo_session: Session) -> None:
    item_id = _item_id(demo_session, "5021873340004", "tb_linlin")
    first = create_return_request(item_id, "tb_linlin", kind="exchange", reason="换M码", session=demo_session)
    demo_session.commit()
    again = create_return_request(item_id, "tb_linlin", kind="return", reason="不要了", session=demo_session)
    assert again.id == first.id
    assert (again.kind, again.reason) == ("exchange", "换M码")  # the existing request, unchanged
    assert _count(demo_session) == 1


def test_idempotent_across_sessions(engine: Engine, demo_session: Session) -> None:
    item_id = _item_id(demo_session, "5021873340007", "tb_linlin")
    ids = set()
    for _ in range(3):
        with Session(engine) as session, session.begin():
            ids.add(create_return_request(item_id, "tb_linlin", kind="return", reason="", session=session).id)
    assert len(ids) == 1


def test_loaded_order_sees_the_new_request(engine: Engine, demo: object) -> None:
    # How the actions work: one unit of work, objects used after it ends.
    with Session(engine, expire_on_commit=False) as session, session.begin():
        order = order_for_buyer("5021873340005", "tb_linlin", session=session)
        item_id = order.items[0].id
        request = create_return_request(item_id, "tb_linlin", kind="return", reason="", session=session)
    assert order.items[0].return_request is request
    assert request.order_item is order.items[0]


def test_missing_item_gives_none(demo_session: Session) -> None:
    assert (
        create_return_request(2**31 - 1, "tb_linlin", kind="return", reason="", session=demo_session) is None
    )
    assert _count(demo_session) == 0


@pytest.mark.parametrize("kind", ["refund", "", "RETURN", None])
def test_unknown_kind_is_invalid_input(demo_session: Session, kind: str) -> None:
    item_id = _item_id(demo_session, "5021873340004", "tb_linlin")
    with pytest.raises(InvalidInput):
        create_return_request(item_id, "tb_linlin", kind=kind, reason="", session=demo_session)
