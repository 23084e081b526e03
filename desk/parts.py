"""A message of several questions: its parts, and their answers joined into one reply (issue 19).

`plan_parts` asks the model how the message splits (desk/clauses.py cuts, Rasa's
`/model/parse` reads each cut, which adds no turn to the conversation); the pipeline
then sends each part to Rasa as its own turn, in the buyer's order, so each part gets
its action and a product named in the first part is the slot the next part's action uses.
`join_replies` and `merged_meta` make the parts' answers one reply for the buyer and one
record for the desk; routing takes the strictest part (desk/pipeline.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from desk import clauses, texts
from desk.linking import asked_to_link
from desk.message_text import neutralise_command
from desk.rasa_client import RasaClient, RasaMessageFailed


def model_text(part: str) -> str:
    """What of a part reaches Rasa: without its edge whitespace or trailing comma, never a command."""
    return neutralise_command(clauses.bare(part))


async def plan_parts(client: RasaClient, conversation_id: str, text: str) -> list[str]:
    """The parts of `text` (joined they are `text`); `[text]` for a single question.

    Raises `RasaUnavailable` like a turn would (the message is kept and retried);
    a part the model fails on is no reason to fail the message: it is answered whole.
    """
    pieces = clauses.candidates(text)
    if len(pieces) < 2:
        return [text]
    try:
        readings = [await client.parse(conversation_id, model_text(piece)) for piece in pieces]
    except RasaMessageFailed:
        return [text]
    return clauses.merge(pieces, [r.intent for r in readings], [r.confidence for r in readings])


def part_message_id(message_id: str | None, index: int) -> str | None:
    """Each part's own id, so a retry replays the parts already answered and runs the rest."""
    return None if message_id is None else f"{message_id}#{index + 1}"


def _joining() -> dict[str, Any]:
    return texts.all_texts()["buyer"]["multi_part"]


def _without_opener(reply: str, openers: Sequence[str]) -> str:
    for opener in sorted(openers, key=len, reverse=True):
        if reply.startswith(opener) and len(reply) > len(opener):
            return reply[len(opener) :]
    return reply


def join_replies(per_part: Sequence[Sequence[str]]) -> list[str]:
    """The parts' replies as ONE text, in the buyer's order.

    The first part keeps its greeting; each later part's first reply drops its own
    (the `openers` of gateway.yml) and opens with the file's `then`. A reply already given (two
    parts answered alike) is not repeated. No replies at all: none.
    """
    joining = _joining()
    lines: list[str] = []
    for replies in per_part:
        fresh = [r for r in replies if r not in lines and r.strip()]
        for position, reply in enumerate(fresh):
            if lines and position == 0:
                reply = joining["then"] + _without_opener(reply, joining["openers"])
            lines.append(reply)
    return ["\n".join(lines)] if lines else []


def merged_meta(metas: Sequence[dict[str, Any]], *, primary: int) -> dict[str, Any]:
    """One draft record for the parts: the primary part's metadata, with what any part asked.

    Any part's handoff is the reply's handoff; any part that asked the buyer to link
    makes the next "order id + 4 digits" message a /link (desk/linking.asked_to_link);
    a follow-up task of any part stays visible.
    """
    meta = dict(metas[primary])
    handoffs = [m for m in metas if m.get("handoff")]
    if handoffs:
        meta["handoff"] = True
        meta["handoff_reason"] = meta.get("handoff_reason") or handoffs[0].get("handoff_reason")
    if not meta.get("follow_up"):
        meta["follow_up"] = next((m["follow_up"] for m in metas if m.get("follow_up")), None)
    facts = dict(meta.get("facts") or {})
    if any(asked_to_link(m) for m in metas):
        facts["link_needed"] = True
    for m in metas:  # a part's follow-up task id, unless the primary has one
        task = (m.get("facts") or {}).get("follow_up_task_id")
        if task is not None:
            facts.setdefault("follow_up_task_id", task)
    meta["facts"] = facts
    return meta


def summary(records: Sequence[dict[str, Any]]) -> str:
    """The parts of a draft (`meta["parts"]`) in one line: each intent and its confidence."""
    return " · ".join(f"{r.get('intent')} {float(r.get('confidence') or 0.0):.2f}" for r in records)
