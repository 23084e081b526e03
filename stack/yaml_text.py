"""Values written into the YAML files Rasa reads (its endpoints file) as they are, whatever they hold."""

from __future__ import annotations

import json


def yaml_string(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that reads back as exactly ``value``.

    A JSON string is one (quotes, backslashes, line breaks and control characters
    escaped), so a password with ``" \\ # :`` or a newline survives, and a quoted
    ``${...}`` is not taken for one of Rasa's environment variables (Rasa expands
    those in plain scalars only).
    """
    return json.dumps(value)
