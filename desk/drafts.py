"""A draft's states and the moves between them, in one place.

pending: waiting (for its auto-send or an agent); overdue: nobody answered in
time, a supervisor was called; sent / rejected / superseded (a newer message of
the chat replaced it) are final. The database keeps the states as text
(shop.models.DRAFT_STATES, checked by a constraint): this enum names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class DraftState(StrEnum):
    PENDING = "pending"
    OVERDUE = "overdue"
    SENT = "sent"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


# Still waiting for a decision: an agent can send or reject it.
OPEN: tuple[DraftState, ...] = (DraftState.PENDING, DraftState.OVERDUE)

TRANSITIONS: dict[DraftState, frozenset[DraftState]] = {
    DraftState.PENDING: frozenset(
        {DraftState.SENT, DraftState.REJECTED, DraftState.SUPERSEDED, DraftState.OVERDUE}
    ),
    DraftState.OVERDUE: frozenset({DraftState.SENT, DraftState.REJECTED}),
    DraftState.SENT: frozenset(),
    DraftState.REJECTED: frozenset(),
    DraftState.SUPERSEDED: frozenset(),
}


def can_move(from_states: Iterable[str], to_state: str) -> bool:
    """True when every one of ``from_states`` may move to ``to_state``."""
    target = DraftState(to_state)
    return all(target in TRANSITIONS[DraftState(s)] for s in from_states)
