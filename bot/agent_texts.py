"""What the terminal simulator shows its user (the agent).

The wording lives in responses/gateway.yml (section `simulator`); these names
stay so bot/simulate.py reads as code.
"""

from __future__ import annotations

from bot.texts import text

BUYER_PROMPT = text("simulator.buyer_prompt")
AGENT_PROMPT = text("simulator.agent_prompt")
EDIT_PROMPT = text("simulator.edit_prompt")
DRAFT_LABEL = text("simulator.draft_label")
SENT_LABEL = text("simulator.sent_label")
AUTO_SENT_LABEL = text("simulator.auto_sent_label")
NO_DRAFT = text("simulator.no_draft")
CANNOT_SEND_AS_IS = text("simulator.cannot_send_as_is")
REJECTED = text("simulator.rejected")
NEW_CONVERSATION = text("simulator.new_conversation")
RASA_DOWN = text("simulator.rasa_down")
STARTING = text("simulator.starting")


def welcome(buyer: str) -> str:
    return text("simulator.welcome", buyer=buyer)


def draft_header(intent: str, confidence: float) -> str:
    return text("simulator.draft_header", intent=intent, confidence=confidence)


def route_line(auto_send: bool, reason: str) -> str:
    return text("simulator.route_auto" if auto_send else "simulator.route_agent", reason=reason)
