"""Account rules without a browser."""

from __future__ import annotations

import pytest

from console import accounts
from shop.db.errors import InvalidInput


@pytest.mark.parametrize("name", ["", "a", "has space", "x" * 65, "名字"])
def test_bad_usernames_are_refused(name):
    with pytest.raises(InvalidInput):
        accounts.clean_username(name)


def test_a_short_password_or_unknown_role_is_refused(sqlite_url):
    from shop.db.engine import session_scope

    with session_scope(sqlite_url) as session:
        with pytest.raises(InvalidInput, match="password"):
            accounts.create("lily", "short", "agent", session=session)
        with pytest.raises(InvalidInput, match="role"):
            accounts.create("lily", "long-enough-pass", "boss", session=session)
