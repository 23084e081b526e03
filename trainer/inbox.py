"""The inbox as a trainer sees it: items with their similar messages counted.

Similar = the same comparison key (trainer/textnorm.key: script, width, case,
spaces and punctuation ignored), or a difflib ratio of at least 0.8 between
keys: "能便宜点吗" and "能便宜一点吗" count as one message said twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from trainer.textnorm import key

SIMILAR = 0.8
REASONS = {
    "rejected": "agent rejected the draft / 客服拒绝了草稿",
    "edited": "agent rewrote the draft / 客服大改了草稿",
    "low_confidence": "model unsure / 模型没把握",
    "unhandled": "nothing handled it / 没有处理",
}


@dataclass
class Row:
    """One inbox item and how often similar messages came in."""

    item: Any  # shop.models.training.TrainerInboxItem (or anything with its fields)
    similar: int  # items in its group, itself included


def group_counts(items: Sequence[Any]) -> list[Row]:
    """Each item with the size of its similarity group (greedy, in order)."""
    groups: list[tuple[str, list[Any]]] = []
    for item in items:
        k = key(item.text)
        for rep, members in groups:
            if k == rep or (k and rep and SequenceMatcher(None, k, rep).ratio() >= SIMILAR):
                members.append(item)
                break
        else:
            groups.append((k, [item]))
    size = {id(m): len(members) for _, members in groups for m in members}
    return [Row(item, size[id(item)]) for item in items]


def select(items: Sequence[Any], *, intent: str | None = None, since: datetime | None = None) -> list[Any]:
    """Items whose model or agent intent is `intent`, created on or after `since`."""
    chosen = []
    for item in items:
        if intent and intent not in (item.model_intent, item.agent_intent):
            continue
        created = item.created_at
        if since and created is not None:
            if created.tzinfo is None and since.tzinfo is not None:
                created = created.replace(tzinfo=since.tzinfo)
            if created < since:
                continue
        chosen.append(item)
    return chosen


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def render(rows: list[Row]) -> str:
    """Plain text for the terminal, one block per item."""
    if not rows:
        return "The inbox is empty. 收件箱是空的。"
    out = []
    for row in rows:
        it = row.item
        said = f"{it.model_intent or '—'} {_pct(it.confidence)}"
        if it.runner_up_intent:
            said += f", runner-up {it.runner_up_intent} {_pct(it.runner_up_confidence)}"
        did = REASONS.get(it.reason, it.reason)
        if it.agent_intent:
            did += f"; agent picked / 客服选了: {it.agent_intent}"
        when = it.created_at.strftime("%Y-%m-%d %H:%M") if it.created_at else ""
        seen = f"  (similar messages: {row.similar} / 相似消息 {row.similar} 条)" if row.similar > 1 else ""
        out.append(
            f"#{it.id}  {when}  [{it.status}]{seen}\n"
            f"    text / 原话: {it.text}\n"
            f"    model / 模型: {said}\n"
            f"    why / 原因: {did}"
        )
    return "\n".join(out)
