"""A terminal simulator of one buyer's chat, with you as the agent.

    python -m bot.simulate [--buyer tb_linlin]          # interactive
    python -m bot.simulate --json < messages.txt        # one JSON line per message

A front end of the desk beside Telegram (bot/simulator_front.py): every message is
stored and handled by desk/conversation.py as a Telegram buyer's is (linked, drafted,
routed, put in human mode, given follow-up tasks, added to the trainer inbox), and what
you do as the agent (send, edit, reject with the right intent) goes through
desk/agent_actions.py, so a reject or a heavy edit reaches the trainer inbox too.

Uses the Rasa server at RASA_URL when one answers there; otherwise starts the
action server and a Rasa server itself and stops them on exit. The `--json`
records have exactly the keys text, intent, confidence, replies, auto_send,
handoff, policy_violations (other tools and checks rely on them), and `parts`
(one such record per part) when a message of several questions was answered in parts.
In --json nobody answers as the agent: a draft left for one is given up before the
next message, so each record is that message's own routing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TextIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.simulator_front import CHANNEL, SimulatorFront, Turn
from desk import agent_actions, agent_texts, store
from desk.intents import INTENTS
from desk.pipeline import RoutedDraft
from desk.rasa_client import RasaClient
from desk.texts import route_reason
from shop.db.errors import ShopError
from shop.models import OutboundMessage
from stack.servers import StartError, console_beside, running_stack
from stack.settings import Settings, load_settings

# Who acts in `agent_decisions` (Telegram records the agent's user id, the console web:<name>).
AGENT = "simulator"


class SimulatorError(Exception):
    """A problem the user can fix; the message says how."""


def prepare_buyer(buyer: str) -> Engine:
    """Makes sure a shop exists (an imported one, else the demo shop) and `buyer`'s chats are verified."""
    from shop.db.engine import make_engine
    from shop.db.errors import UnknownBuyer
    from shop.demo import ensure_a_shop
    from shop.store.linking import ensure_verified_link

    try:
        engine = make_engine()
        ensure_a_shop(engine)
        with Session(engine) as session, session.begin():
            ensure_verified_link(CHANNEL, buyer, buyer, session=session)
        return engine
    except UnknownBuyer as exc:
        raise SimulatorError(f"unknown buyer '{buyer}': {exc}") from exc
    except ShopError as exc:
        raise SimulatorError(f"the shop database is not usable ({exc}): run 'make demo-db'") from exc


def rasa_reachable(settings: Settings) -> bool:
    async def probe() -> bool:
        client = RasaClient(settings.rasa_urls, timeout_s=3, token=settings.rasa_token)
        try:
            return all([await client.healthy(url) for url in client.urls])
        finally:
            await client.aclose()

    return asyncio.run(probe())


@contextmanager
def reachable_rasa(settings: Settings, *, quiet: bool) -> Iterator[Settings]:
    """The settings to reach Rasa with: RASA_URL (and RASA_TOKEN), or servers started for this run."""
    if rasa_reachable(settings):
        yield settings
        return
    if not quiet:
        print(agent_texts.STARTING, file=sys.stderr, flush=True)
    with running_stack(settings) as stack:
        yield replace(settings, rasa_urls=(stack.rasa_url,), rasa_token=stack.rasa_token)


# --- --json ------------------------------------------------------------------------------


def unavailable_record(text: str) -> dict:
    """Rasa drafted nothing (down, or failing on this message): an agent has the message."""
    return {
        "text": text,
        "intent": None,
        "confidence": 0.0,
        "replies": [],
        "auto_send": False,
        "handoff": True,
        "policy_violations": [],
    }


def desk_record(text: str, replies: list[str]) -> dict:
    """A message the desk answers itself, never Rasa: linking, /start, /unlink."""
    return {
        "text": text,
        "intent": None,
        "confidence": 1.0,
        "replies": replies,
        "auto_send": True,
        "handoff": False,
        "policy_violations": [],
    }


def json_record(turn: Turn) -> dict:
    """The --json line of one buyer message."""
    if turn.draft is not None:
        return turn.draft.as_json()
    if turn.card_draft_id is not None:
        return unavailable_record(turn.text)
    return desk_record(turn.text, turn.sent)


def run_json(front: SimulatorFront, lines: TextIO, out: TextIO) -> None:
    """One JSON object per input line, in order; an empty line starts a new conversation."""
    with asyncio.Runner() as runner:
        try:
            for raw in lines:
                text = raw.rstrip("\r\n")
                if not text.strip():
                    runner.run(front.new_conversation())
                    continue
                turn = runner.run(front.buyer_says(text))
                # No agent here: the next message is routed on its own.
                runner.run(front.supersede_waiting_drafts())
                out.write(json.dumps(json_record(turn), ensure_ascii=False) + "\n")
                out.flush()
        finally:
            runner.run(front.aclose())


# --- interactive: you are the agent --------------------------------------------------------


def show_draft(draft: RoutedDraft) -> None:
    print(agent_texts.draft_header(draft.intent, draft.confidence))
    if draft.parts:
        print(agent_texts.parts_header(draft.meta.get("parts") or []))
    for reply in draft.replies or [agent_texts.NO_DRAFT]:
        print(f"  {agent_texts.DRAFT_LABEL} {reply}")
    for violation in draft.violations:
        print(f"  ⚠ {violation.reason}")
    print(f"  {agent_texts.route_line(draft.auto_send, route_reason(draft.decision))}")


def show_turn(front: SimulatorFront, runner: asyncio.Runner, turn: Turn) -> None:
    """What the desk did with the buyer's message, as the agents would see it."""
    if turn.draft is not None:
        show_draft(turn.draft)
    elif turn.card_draft_id is not None:  # an agent must answer and there is no draft (Rasa down, ...)
        draft_id = turn.card_draft_id
        reason = runner.run(front.db(lambda s: store.get_draft(draft_id, session=s).route_reason))
        print(f"  {agent_texts.DRAFT_LABEL} {agent_texts.NO_DRAFT}")
        print(f"  {agent_texts.route_line(False, reason or '')}")
    for text in turn.sent:
        print(f"{agent_texts.AUTO_SENT_LABEL} {text}")
    for notice in turn.notices:
        print(agent_texts.agent_notice(notice))


@dataclass
class Outcome:
    """What became of the agent's choice: what reached the buyer, or the simulator text saying why not."""

    sent: list[str] = field(default_factory=list)
    problem: str | None = None  # a `simulator.*` text key
    reasons: list[str] = field(default_factory=list)  # the policy check's, for a refused text


async def send_as_is(front: SimulatorFront, draft_id: int) -> Outcome:
    """Enter: the draft as it is (a return the draft confirms is filed, as the desk's Send does)."""
    try:
        claimed = await front.db(
            lambda s: agent_actions.claim_for_send(
                draft_id, AGENT, channel=CHANNEL, session=s, now=front.clock()
            )
        )
    except agent_actions.NotFiled:
        return Outcome(problem="return_not_filed")
    if isinstance(claimed, str):
        return Outcome(problem=claimed)  # cannot_send_as_is or already_handled
    for reply in claimed.replies:
        await front.send_to_buyer(claimed.chat_id, claimed.conversation_id, reply, draft_id=draft_id)
    return Outcome(sent=claimed.replies)


async def send_text(front: SimulatorFront, draft_id: int, text: str) -> Outcome:
    """e: your own text, sent once it passes the policy check; a refused one is kept as your proposal."""

    def work(session: Session) -> Outcome | agent_actions.OwnTextSent:
        now = front.clock()
        reasons = agent_actions.check_or_propose(
            draft_id, AGENT, text, shop_wide=front.shop_wide, session=session, now=now
        )
        if reasons:
            return Outcome(reasons=reasons)
        sent = agent_actions.send_own_text(draft_id, AGENT, text, session=session, now=now)
        return sent or Outcome(problem="already_handled")

    result = await front.db(work)
    if isinstance(result, Outcome):
        return result
    await front.send_to_buyer(result.chat_id, result.conversation_id, text, draft_id=draft_id)
    return Outcome(sent=[text])


def sent_for(draft_id: int, *, session: Session) -> list[str]:
    """What reached the simulated buyer for a draft (the console records a reply to this channel as sent)."""
    stmt = (
        select(OutboundMessage.text)
        .where(OutboundMessage.draft_id == draft_id, OutboundMessage.status == "sent")
        .order_by(OutboundMessage.id)
    )
    return list(session.scalars(stmt))


def agent_turn(front: SimulatorFront, runner: asyncio.Runner, draft_id: int) -> None:
    """You as the agent: Enter sends, e edits, r rejects (then the right intent, for the trainers)."""
    while True:
        choice = input(agent_texts.AGENT_PROMPT).strip().lower()
        if choice == "":
            outcome = runner.run(send_as_is(front, draft_id))
            if outcome.problem in ("cannot_send_as_is", "return_not_filed"):
                print(agent_texts.text_of(outcome.problem))
                continue
        elif choice == "r":
            if runner.run(
                front.db(lambda s: agent_actions.reject(draft_id, AGENT, session=s, now=front.clock()))
            ):
                print(agent_texts.REJECTED)
                _pick_intent(front, runner, draft_id)
                return
            outcome = Outcome(problem="already_handled")
        elif choice == "e":
            outcome = _edit(front, runner, draft_id)
            if outcome is None:
                continue
        else:
            continue
        if outcome.problem:  # a web agent answered it meanwhile (the console beside `make demo`)
            print(agent_texts.text_of(outcome.problem))
        if outcome.problem == "already_handled":  # what that answer was: you are its buyer too
            outcome.sent = runner.run(front.db(lambda s: sent_for(draft_id, session=s)))
        for text in outcome.sent:
            print(f"{agent_texts.SENT_LABEL} {text}")
        return


def _edit(front: SimulatorFront, runner: asyncio.Runner, draft_id: int) -> Outcome | None:
    """Your own reply, asked for again while the policy check refuses it; None: you gave up.

    A refused edit is said to be unsent and asked for again, so a later Enter can
    never send the original draft in its place unnoticed; an empty line gives up.
    """
    prompt = agent_texts.EDIT_PROMPT
    while True:
        text = input(prompt).strip()
        if not text:
            print(agent_texts.EDIT_DISCARDED)
            return None
        outcome = runner.run(send_text(front, draft_id, text))
        if not outcome.reasons:
            return outcome
        for reason in outcome.reasons:
            print(f"  ⚠ {reason}")
        print(agent_texts.EDIT_REFUSED)
        prompt = agent_texts.EDIT_AGAIN_PROMPT


def _intent_named(answer: str) -> str | None:
    """An intent by its number in the list shown or by its name; None for anything else."""
    answer = unicodedata.normalize("NFKC", answer).strip().lower()  # full-width digits from Chinese keyboards
    if answer.isdecimal() and 0 < int(answer) <= len(INTENTS):
        return INTENTS[int(answer) - 1]
    return answer if answer in INTENTS else None


def _pick_intent(front: SimulatorFront, runner: asyncio.Runner, draft_id: int) -> None:
    """The intent the message should have had, as the card's intent buttons record it (teach)."""
    print(agent_texts.intent_choices(INTENTS))
    while True:
        answer = input(agent_texts.INTENT_PROMPT).strip()
        if not answer:
            return
        intent = _intent_named(answer)
        if intent is None:
            print(agent_texts.UNKNOWN_INTENT)
            continue
        runner.run(
            front.db(
                lambda s, i=intent: agent_actions.teach(draft_id, AGENT, i, session=s, now=front.clock())
            )
        )
        print(agent_texts.taught(intent))
        return


def run_interactive(front: SimulatorFront) -> None:
    print(agent_texts.welcome(front.buyer))
    with asyncio.Runner() as runner:
        try:  # Ctrl-D ends the session at any prompt, the agent's too
            while True:
                text = input(agent_texts.BUYER_PROMPT)
                if not text.strip():
                    runner.run(front.new_conversation())
                    print(agent_texts.NEW_CONVERSATION)
                    continue
                turn = runner.run(front.buyer_says(text))
                show_turn(front, runner, turn)
                if turn.card_draft_id is not None and not (turn.draft is not None and turn.draft.auto_send):
                    agent_turn(front, runner, turn.card_draft_id)
        except EOFError:
            print()
        finally:
            runner.run(front.aclose())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.simulate", description=__doc__.splitlines()[0])
    parser.add_argument("--buyer", default="tb_linlin", help="the demo buyer whose verified chat this is")
    parser.add_argument("--json", action="store_true", help="read messages from stdin, print JSON lines")
    args = parser.parse_args(argv)
    settings = load_settings()
    try:
        engine = prepare_buyer(args.buyer)
        with console_beside(settings), reachable_rasa(settings, quiet=args.json) as reachable:
            front = SimulatorFront(reachable, engine, args.buyer)
            if args.json:
                run_json(front, sys.stdin, sys.stdout)
            else:
                run_interactive(front)
    except (SimulatorError, StartError) as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return 2
    except ShopError as exc:
        print(f"simulate: the shop database stopped answering ({exc})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
