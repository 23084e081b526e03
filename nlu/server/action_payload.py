"""Send the action server the domain without its reply templates.

Rasa 3.6 puts the whole domain into every action call. Ours is 73 kB of JSON,
71 kB of it the reply templates (Chinese, escaped six bytes a character). Rasa
encodes it, the action server decodes it: 19 % of the action server's CPU at 32
buyers (docs/benchmarks.md). The action server never reads the templates: an
action names a reply (`utter_message(response=...)`) and the Rasa server
renders it from its own domain. Everything else in the domain (intents,
entities, slots, actions, forms, session config) is still sent, so rasa-sdk and
form validation see what they always saw. Rasa's `enable_selective_domain` is
no way out: rasa-sdk 3.21 answers 449 to a call without a domain and Rasa 3.6
does not retry.
"""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa.core.actions.action import RemoteAction

_ORIGINAL = RemoteAction._action_call_format
_OMITTED = "responses"


# The domain of a loaded model never changes: keep the slim copy of the last one seen.
_last: list = [None, None]  # [domain dict, its slim copy]


def _slim(domain_dict: Dict[Text, Any]) -> Dict[Text, Any]:
    if _last[0] is not domain_dict:
        _last[:] = [domain_dict, {k: v for k, v in domain_dict.items() if k != _OMITTED}]
    return _last[1]


def action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[Text, Any]:
    """Drop-in for `RemoteAction._action_call_format`."""
    body = _ORIGINAL(self, tracker, domain)
    if isinstance(body.get("domain"), dict):
        body["domain"] = _slim(body["domain"])
    return body


def install() -> None:
    """Idempotent; called when our channel is loaded into the Rasa server."""
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]


def uninstall() -> None:
    RemoteAction._action_call_format = _ORIGINAL  # type: ignore[method-assign]
