"""What of a buyer's text may reach the model: never nothing, never a command, never a flood.

The stored message keeps the buyer's whole text (agents see all of it); only the
copy sent to Rasa is shaped here:
- a text with nothing to classify (whitespace, invisible characters only) is not
  sent at all: the classifier has no feature to work on and Rasa fails on it;
- Rasa reads a text starting with "/" as `/intent{"entity": ...}@confidence` (its
  RegexMessageHandler: confidence 1.0, entities unchecked, `/restart` wipes the
  conversation), so a buyer's leading "/" is sent as the full-width "／" — the
  same look to the model, no command to Rasa (nlu/server/channel.py does the same);
- the model's parse time grows faster than the text, so only the first
  `max_chars` characters are classified.
"""

from __future__ import annotations

import unicodedata

COMMAND_PREFIX = "/"
SAFE_PREFIX = "\uff0f"  # FULLWIDTH SOLIDUS
# Characters that render as nothing but are letters or symbols to Unicode.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(char: str) -> bool:
    if char.isspace() or char in _BLANK_LOOKING:
        return True
    # Cc controls, Cf format (zero-width space/joiners, BOM), Z* separators,
    # Mn only for variation selectors (a lone U+FE0F carries no meaning).
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zs", "Zl", "Zp"):
        return True
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def is_blank(text: str | None) -> bool:
    """True when the text holds nothing a model could classify."""
    return not text or all(_invisible(c) for c in text)


def neutralise_command(text: str) -> str:
    """The text with a leading "/" (after the whitespace Rasa strips) made plain text."""
    stripped = text.lstrip()
    if not stripped.startswith(COMMAND_PREFIX):
        return text
    return text[: len(text) - len(stripped)] + SAFE_PREFIX + stripped[len(COMMAND_PREFIX) :]


def for_model(text: str, *, max_chars: int) -> str:
    """The part of a buyer's text Rasa gets: capped at `max_chars`, never a command."""
    return neutralise_command(text[:max_chars])
