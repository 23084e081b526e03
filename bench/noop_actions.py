"""An actions module for rasa-sdk whose every action answers at once, touching nothing.

The benchmark's "what is Rasa's" phases run it in place of `actions/`: the same
Rasa servers, channel, tracker store and rasa-sdk, with actions that cost
nothing. What such a turn costs beyond a bare parse is the framework's (Rasa's
turn and rasa-sdk's call), and no change to our actions or gateway can go below it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from paths import PROJECT_ROOT

REPLY = "好的，亲，稍等一下哦~"


def custom_action_names(domain_path: Path = PROJECT_ROOT / "domain.yml") -> list[str]:
    """The domain's custom actions: the names the action server must answer."""
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8"))
    return [name for name in domain.get("actions") or [] if name.startswith("action_")]


class _ReplyAtOnce:
    """One fixed text, no slot changed. Not an `Action` itself, so rasa-sdk registers only
    the named subclasses below."""

    action_name = ""

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=REPLY)
        return []


def noop_action(name: str) -> type[Action]:
    return type(f"Noop_{name}", (_ReplyAtOnce, Action), {"action_name": name})


# rasa-sdk registers every Action subclass it finds after importing this module, and
# Sanic's worker process unpickles them by name: each is a module attribute.
NOOP_ACTIONS = [noop_action(name) for name in custom_action_names()]
globals().update({cls.__name__: cls for cls in NOOP_ACTIONS})
