"""The shape every post-sale rule returns: what applies, which reply, which facts.

``reply`` names the template without its ``utter_`` prefix; ``rule`` is the
short id the gateway logs and routes on (several replies may share a rule).
Facts are JSON-safe (str, int, bool) so they can fill templates and travel
in the draft metadata unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Decision:
    rule: str
    reply: str
    facts: dict[str, Any] = field(default_factory=dict)
    handoff_reason: str | None = None  # set when an agent must act
    follow_up: str | None = None  # set when an agent task must be created

    @property
    def handoff(self) -> bool:
        return self.handoff_reason is not None

    @property
    def response(self) -> str:
        return f"utter_{self.reply}"
