"""Measures how many questions of a message get answered, before and after splitting (issue 19).

    .venv/bin/python scripts/evaluate_multi.py                       # tests/desk/mixed_messages.yml
    .venv/bin/python scripts/evaluate_multi.py --tsv ../shared/real-buyers/dev.tsv

Reads with the model only (Rasa's `/model/parse`: no action runs, no conversation is
touched), through the gateway's own code: `desk.parts.plan_parts` then one reading per
part, as `draft_reply` would send them. Before = the whole message read once (one
answer); after = one reading per part. Uses the Rasa server at RASA_URL when that is
set and answers, otherwise starts the stack for the run (RASA_MODEL picks the model).

Mixed messages (`parts: [intent, "a|b", ...]` in the buyer's order): parts-answered
recall = expected parts answered by a part of that intent / expected parts; precision =
answers whose intent was expected / answers given. `single: true` rows must stay whole.
A TSV of single-intent rows (text, label): how many are split, and whether the label
is still answered (before: the whole reading; after: one of the parts).
Prints counts only for a TSV (its texts are for evaluation, never copied anywhere).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk import clauses  # noqa: E402
from desk.parts import model_text, plan_parts  # noqa: E402
from desk.rasa_client import RasaClient, RasaTurn  # noqa: E402
from desk.routing import complaint_tone, decide, grievance_share, load_routing  # noqa: E402
from stack.settings import load_settings  # noqa: E402

MIXED = Path(__file__).resolve().parent.parent / "tests" / "desk" / "mixed_messages.yml"


ROUTING = load_routing(Path(__file__).resolve().parent.parent / "responses" / "routing.yml")


@dataclass
class Reading:
    whole: str
    candidates: int
    parts: list[str]
    intents: list[str]
    primary: str  # the draft's intent: the first part an agent must see, else the first part


def _held(turn: RasaTurn) -> bool:
    """Would the gateway hold this part's draft for an agent on the model's reading alone
    (a reply that passes the policy check assumed; the gateway's own rule, desk.routing)?"""
    decision = decide(
        ROUTING,
        intent=turn.intent,
        confidence=turn.confidence,
        has_reply=True,
        policy_ok=True,
        handoff=False,
        human_mode=False,
        agents_on_duty=False,
        now=datetime.now(timezone.utc),
        text=turn.text,
        grievance=grievance_share(turn.intent_ranking, turn.grievance),
        tone=complaint_tone(turn.tone),
    )
    return not decision.auto_send


async def read(client: RasaClient, text: str) -> Reading:
    whole = (await client.parse("evaluate", model_text(text))).intent
    parts = await plan_parts(client, "evaluate", text)
    if len(parts) < 2:
        return Reading(whole, len(clauses.candidates(text)), [text], [whole], whole)
    turns = [await client.parse("evaluate", model_text(p)) for p in parts]
    held = [t.intent for t in turns if _held(t)]
    intents = [t.intent for t in turns]
    return Reading(whole, len(clauses.candidates(text)), parts, intents, (held or intents)[0])


def matched(expected: list[set[str]], answered: list[str]) -> int:
    """Expected parts answered, each answer used once, in order."""
    left = list(answered)
    hits = 0
    for want in expected:
        for i, got in enumerate(left):
            if got in want:
                hits += 1
                del left[i]
                break
    return hits


def score(rows: list[tuple[list[set[str]], list[str]]]) -> tuple[float, float]:
    hits = sum(matched(e, a) for e, a in rows)
    expected = sum(len(e) for e, _ in rows)
    given = sum(len(a) for _, a in rows)
    return hits / expected, hits / given


async def mixed(client: RasaClient, path: Path, show: bool) -> None:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    before, after, wrongly_split, kept_whole, single_ok = [], [], 0, 0, 0
    for row in rows:
        expected = [set(p.split("|")) for p in row["parts"]]
        reading = await read(client, row["text"])
        if row.get("single"):
            wrongly_split += len(reading.parts) > 1
            single_ok += matched(expected, [reading.intents[0]]) == 1
            continue
        before.append((expected, [reading.whole]))
        after.append((expected, reading.intents))
        kept_whole += len(expected) > 1 and len(reading.parts) == 1
        if show and matched(expected, reading.intents) < len(expected):
            print(f"  missed: {row['text']!r} expected {row['parts']} got {reading.intents} {reading.parts}")
    singles = sum(1 for r in rows if r.get("single"))
    (rb, pb), (ra, pa) = score(before), score(after)
    print(
        f"mixed messages: {len(before)} ({sum(len(e) for e, _ in before)} expected parts), {singles} single"
    )
    print(f"  before: parts-answered recall {rb:.3f}, precision {pb:.3f}")
    print(f"  after:  parts-answered recall {ra:.3f}, precision {pa:.3f}")
    print(f"  several-part messages answered as one: {kept_whole}")
    print(f"  single questions split: {wrongly_split}/{singles}; answered right: {single_ok}/{singles}")


async def tsv(client: RasaClient, path: Path, show: bool) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r.get("text", "").strip()]
    cut = split = right_before = right_after = lost = gained = extra = primary_right = 0
    for row in rows:
        reading = await read(client, row["text"])
        label = row["label"]
        cut += reading.candidates > 1
        split += len(reading.parts) > 1
        was, now = reading.whole == label, label in reading.intents
        right_before += was
        right_after += now
        primary_right += reading.primary == label
        lost += was and not now
        gained += now and not was
        if len(reading.parts) > 1:
            extra += sum(intent != label for intent in reading.intents)
            if show:  # error analysis on the terminal only: these texts are never copied anywhere
                print(f"  split: {label} -> {reading.intents} {reading.parts}")
    print(f"{path.name}: {len(rows)} single-intent rows")
    print(f"  cut into candidates by the text rules: {cut}; split after the model's reading: {split}")
    print(f"  label answered before {right_before}, after {right_after} (lost {lost}, gained {gained})")
    print(f"  answers of another intent added by the split rows: {extra}")
    print(f"  the draft's intent (strictest part) is the label: before {right_before}, after {primary_right}")


async def run(client: RasaClient, args: argparse.Namespace) -> None:
    await mixed(client, args.mixed, args.show)
    if args.tsv:
        await tsv(client, args.tsv, args.show)


def main(args: argparse.Namespace) -> None:
    settings = load_settings()

    async def reachable() -> bool:
        client = RasaClient(settings.rasa_urls, timeout_s=3, token=settings.rasa_token)
        try:
            return all([await client.healthy(u) for u in client.urls])
        finally:
            await client.aclose()

    async def with_client(urls: tuple[str, ...], token: str | None) -> None:
        client = RasaClient(urls, token=token)
        try:
            await run(client, args)
        finally:
            await client.aclose()

    if os.environ.get("RASA_URL") and asyncio.run(reachable()):
        asyncio.run(with_client(settings.rasa_urls, settings.rasa_token))
        return
    from stack.servers import running_stack  # only when no server answers at RASA_URL

    with running_stack(settings) as stack:
        asyncio.run(with_client((stack.rasa_url,), stack.rasa_token))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mixed", type=Path, default=MIXED)
    parser.add_argument("--tsv", type=Path, help="single-intent rows (text, label): how many get split")
    parser.add_argument("--show", action="store_true", help="list the mixed messages not fully answered")
    main(parser.parse_args())
