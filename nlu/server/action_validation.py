"""Validate action-server answers against a schema compiled once, not per call.

Rasa 3.6 checks every action server answer with `jsonschema.validate`, which
first validates the schema itself against its meta-schema: py-spy put 43 % of
our Rasa server's CPU there at 32 buyers (docs/benchmarks.md). The schema never
changes, so we check it once and reuse one validator. Answers are judged exactly
as before: the same schema, the same `best_match` error, the same message.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_ORIGINAL = RemoteAction._validate_action_result


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Drop-in for `RemoteAction._validate_action_result`."""
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Idempotent; called when our channel is loaded into the Rasa server."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def uninstall() -> None:
    RemoteAction._validate_action_result = _ORIGINAL  # type: ignore[method-assign]
