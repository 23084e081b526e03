"""Fixtures for the pre-sale action tests: the demo shop on SQLite, wired into the actions.

Import the fixtures by name in a test module (`from tests.actions.presale_fixtures
import ...`); they override `db_url` so these tests run on SQLite only (the
data layer's own tests cover PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from actions.base import ShopAction
from shop.demo import DemoLoadResult
from shop.store.linking import ensure_verified_link


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch, engine: Engine, demo: DemoLoadResult) -> Iterator[DemoLoadResult]:
    """The demo shop, with every ShopAction reading it at the demo's `now`."""
    monkeypatch.setattr(ShopAction, "engine_factory", staticmethod(lambda: engine))
    monkeypatch.setattr(ShopAction, "clock", staticmethod(lambda: demo.now))
    yield demo


@pytest.fixture
def linked(shop: DemoLoadResult, engine: Engine):
    """Links a simulator chat account to a demo buyer: `linked("tb_linlin")` -> user id."""

    def link(account: str) -> str:
        user_id = f"chat-{account}"
        with Session(engine) as session, session.begin():
            ensure_verified_link("simulator", user_id, account, session=session, now=shop.now)
        return user_id

    return link
