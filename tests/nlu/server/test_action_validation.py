"""The cached action-result validator judges exactly as Rasa's `jsonschema.validate` does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from nlu.server import action_http, action_payload, action_validation
from nlu.server.channel import InspectRestInput

GOOD = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "product_code", "value": "0201"}],
        "responses": [{"text": "亲 在的"}],
    },
    {"events": [{"event": "followup", "name": "action_handoff"}]},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},
    {"responses": ["just a string"]},
    [],
]


def judge(result: Any) -> str | None:
    try:
        RemoteAction("action_x", None)._validate_action_result(result)
        return None
    except ValidationError as error:
        return error.message


@pytest.fixture
def original():
    action_validation.uninstall()
    yield
    action_validation.uninstall()
    action_http.uninstall()  # the channel installs all three
    action_payload.uninstall()


@pytest.mark.parametrize("result", GOOD + BAD, ids=lambda r: str(r)[:40])
def test_same_verdict_and_message_as_rasa(original: None, result: Any) -> None:
    rasa_says = judge(result)
    action_validation.install()
    assert judge(result) == rasa_says
    assert (rasa_says is None) == (result in GOOD)


def test_our_channel_installs_it(original: None) -> None:
    assert RemoteAction._validate_action_result is not action_validation.validate_action_result
    InspectRestInput().blueprint(on_new_message=None)  # type: ignore[arg-type]
    assert RemoteAction._validate_action_result is action_validation.validate_action_result
