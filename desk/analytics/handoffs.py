"""Why drafts went to an agent instead of out on their own, with counts.

A draft keeps its routing reason as the agents read it (responses/gateway.yml
`route_reasons`, filled in); the reason's code is found again by matching that
text against each wording. For "the action asked for an agent" the action's own
`handoff_reason` (e.g. tracking_stale, complaint) says more, so it is kept as
the detail.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from desk import texts
from desk.analytics.outcomes import Counted

OTHER = "other"  # a reason worded differently from today's file (reworded since)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for code, wording in (texts.all_texts().get("route_reasons") or {}).items():
        parts = []
        for literal, field, _, _ in string.Formatter().parse(wording):
            parts.append(re.escape(literal))
            if field is not None:
                parts.append(".+?")
        out.append((code, re.compile("".join(parts), re.DOTALL)))
    # Longer wordings first: a short one must not claim a longer one's text.
    return tuple(sorted(out, key=lambda item: -len(item[1].pattern)))


def route_code(route_reason: str | None) -> str:
    """The routing code of a stored reason (the code itself is accepted too)."""
    if not route_reason:
        return OTHER
    known = texts.all_texts().get("route_reasons") or {}
    if route_reason in known:
        return route_reason
    for code, pattern in _patterns():
        if pattern.fullmatch(route_reason):
            return code
    return OTHER


@dataclass(frozen=True)
class HandoffReason:
    """One reason drafts went to an agent; ``detail`` is the action's handoff reason."""

    code: str
    detail: str | None
    count: int


def handoff_reasons(outcomes: Iterable[Counted]) -> list[HandoffReason]:
    """Drafts that went to an agent, counted by reason, most frequent first."""
    counts: Counter[tuple[str, str | None]] = Counter()
    codes: dict[str | None, str] = {}  # a period holds few distinct reasons: match each wording once
    for o in outcomes:
        if o.auto_sent:
            continue
        if o.route_reason not in codes:
            codes[o.route_reason] = route_code(o.route_reason)
        code = codes[o.route_reason]
        if code == "auto":
            continue
        counts[(code, o.handoff_reason if code == "handoff" else None)] += o.drafts
    return [
        HandoffReason(code, detail, count)
        for (code, detail), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or ""))
    ]
