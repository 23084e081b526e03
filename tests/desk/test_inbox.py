"""The trainer inbox fed from a stored draft: the buyer's text, the model's guess and its runner-up."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desk import inbox
from tests.desk.test_store import _draft


def test_a_draft_goes_to_the_inbox_with_its_runner_up(session: Session) -> None:
    draft = _draft(session)
    draft.meta = {
        **draft.meta,
        "intent_ranking": [{"name": "greet", "confidence": 0.93}, {"name": "thank", "confidence": 0.04}],
    }
    item = inbox.add_from_draft(draft, "rejected", session=session)
    assert (item.text, item.reason, item.model_intent, item.draft_id) == (
        draft.inbound.text,
        "rejected",
        "greet",
        draft.id,
    )
    assert (item.runner_up_intent, item.runner_up_confidence) == ("thank", 0.04)
    assert [i.id for i in inbox.list_items(session=session)] == [item.id]


def test_the_models_own_ranking_and_text_win_over_the_rows(session: Session) -> None:
    draft = _draft(session)
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "greet", "confidence": 0.3}]
    item = inbox.add_from_draft(draft, "low_confidence", ranking=ranking, text="原话", session=session)
    assert (item.text, item.runner_up_intent) == ("原话", "nlu_fallback")
