"""Draft states: the enum names exactly the states the database allows, and only allowed moves happen."""

from __future__ import annotations

import pytest

from desk import store
from desk.drafts import OPEN, TRANSITIONS, DraftState, can_move
from shop.db.errors import InvalidInput
from shop.models import DRAFT_STATES
from tests.desk.test_store import _draft


def test_the_enum_names_the_database_states() -> None:
    assert {s.value for s in DraftState} == set(DRAFT_STATES)
    assert set(TRANSITIONS) == set(DraftState)


def test_final_states_never_move() -> None:
    for final in (DraftState.SENT, DraftState.REJECTED, DraftState.SUPERSEDED):
        assert not any(can_move([final], to) for to in DraftState)


def test_an_open_draft_can_be_sent_or_rejected() -> None:
    assert can_move(OPEN, DraftState.SENT) and can_move(OPEN, DraftState.REJECTED)
    assert not can_move(OPEN, DraftState.SUPERSEDED)  # only a pending one is replaced by a newer message


def test_a_sent_draft_cannot_be_claimed_back(session) -> None:
    draft = _draft(session)
    assert store.claim_draft(draft.id, [DraftState.PENDING], DraftState.SENT, session=session)
    with pytest.raises(InvalidInput):
        store.claim_draft(draft.id, [DraftState.SENT], DraftState.PENDING, session=session)
