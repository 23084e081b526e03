"""Keeps buyer text out of the Rasa server's log.

Rasa reads a message starting with "/" as `/intent{entities}` and, when that
fails, warns with the whole line: as a Python warning ("Failed to parse
arguments in line '...'", printed at every log level) and as a structlog
event (`message.parsing.failed` with `user_text`). Buyers type "/" too; their
words do not belong in a server log. Installed by our channel (nlu/server/channel.py),
after Rasa has set up its logging and warning filters, so ours come first.
"""

from __future__ import annotations

import warnings
from typing import Any

import structlog

# Rasa's structlog keys that can hold what a buyer wrote (rasa/utils/log_utils.py lists them).
BUYER_TEXT_KEYS = frozenset(
    {
        "text",
        "user_text",
        "message",
        "user_message",
        "parse_data_text",
        "parse_data_entities",
        "tracker_latest_message",
        "slot_values",
        "rasa_event",
        "rasa_events",
    }
)
WITHHELD = "<buyer text withheld>"


def withhold_buyer_text(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: buyer text replaced before any renderer sees it."""
    for key in BUYER_TEXT_KEYS.intersection(event_dict):
        event_dict[key] = WITHHELD
    return event_dict


def install() -> None:
    """Idempotent."""
    warnings.filterwarnings("ignore", message="Failed to parse arguments in line", category=UserWarning)
    processors = structlog.get_config()["processors"]
    if withhold_buyer_text in processors:
        return
    if isinstance(processors, list):
        processors.insert(0, withhold_buyer_text)  # in place: loggers already cached use this list too
    else:
        structlog.configure(processors=[withhold_buyer_text, *processors])
