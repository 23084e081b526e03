"""A terminal simulator of one buyer's chat, with you as the agent.

    python -m bot.simulate [--buyer tb_linlin]          # interactive
    python -m bot.simulate --json < messages.txt        # one JSON line per message

Uses the Rasa server at RASA_URL when one answers there; otherwise starts the
action server and a Rasa server itself and stops them on exit. The `--json`
records have exactly the keys text, intent, confidence, replies, auto_send,
handoff, policy_violations (other tools and checks rely on them), and `parts`
(one such record per part) when a message of several questions was answered in parts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from typing import TextIO

from desk import agent_texts, follow_ups, human_mode
from desk.linking import link_reply, reads_as_link
from desk.pipeline import RoutedDraft, draft_reply
from desk.rasa_client import RasaClient, RasaMessageFailed, RasaUnavailable
from desk.routing import load_routing
from desk.texts import route_reason
from shop.policy import CheckContext, check_text
from stack.servers import StartError, console_beside, running_stack
from stack.settings import Settings, load_settings

CHANNEL = "simulator"


class SimulatorError(Exception):
    """A problem the user can fix; the message says how."""


def prepare_buyer(buyer: str) -> CheckContext:
    """Makes sure a shop exists (an imported one, else the demo shop) and `buyer`'s chat is verified."""
    from sqlalchemy.orm import Session

    from shop.db.engine import make_engine
    from shop.db.errors import ShopError, UnknownBuyer
    from shop.demo import ensure_a_shop
    from shop.store.linking import ensure_verified_link
    from shop.store.policy_context import context_for_buyer

    try:
        engine = make_engine()
        ensure_a_shop(engine)
        with Session(engine) as session, session.begin():
            ensure_verified_link(CHANNEL, buyer, buyer, session=session)
            return context_for_buyer(buyer, session=session)
    except UnknownBuyer as exc:
        raise SimulatorError(f"unknown buyer '{buyer}': {exc}") from exc
    except ShopError as exc:
        raise SimulatorError(f"the shop database is not usable ({exc}): run 'make demo-db'") from exc


def open_follow_ups(buyer: str, meta: dict) -> None:
    """The simulator stands in for the desk: it opens the agent tasks a draft promises."""
    if not follow_ups.requested_in(meta):
        return
    from sqlalchemy.orm import Session

    from desk import store
    from shop.db.engine import make_engine

    with Session(make_engine()) as session, session.begin():
        conversation = store.ensure_conversation(CHANNEL, buyer, buyer, session=session)
        follow_ups.record_requested(meta, conversation_id=conversation.id, session=session)


def rasa_reachable(settings: Settings) -> bool:
    async def probe() -> bool:
        client = RasaClient(settings.rasa_urls, timeout_s=3, token=settings.rasa_token)
        try:
            return all([await client.healthy(url) for url in client.urls])
        finally:
            await client.aclose()

    return asyncio.run(probe())


@contextmanager
def rasa_urls(settings: Settings, *, quiet: bool) -> Iterator[Settings]:
    """The settings to reach Rasa with: RASA_URL (and RASA_TOKEN), or servers started for this run."""
    if rasa_reachable(settings):
        yield settings
        return
    if not quiet:
        print(agent_texts.STARTING, file=sys.stderr, flush=True)
    with running_stack(settings) as stack:
        yield replace(settings, rasa_urls=(stack.rasa_url,), rasa_token=stack.rasa_token)


class Session:
    """One simulated chat: a buyer, a conversation id, the routing rules."""

    def __init__(self, settings: Settings, buyer: str, urls: tuple[str, ...], check_context: CheckContext):
        self.buyer = buyer
        self.client = RasaClient(urls, timeout_s=settings.rasa_timeout_s, token=settings.rasa_token)
        self.routing = load_routing(settings.routing_file)
        self.check_context = check_context
        self._token = secrets.token_hex(4)
        self._number = 0
        # Human mode as the gateway keeps it (desk/human_mode.py): since when, and the agent's last act.
        self.human_since: datetime | None = None
        self.agent_acted: datetime | None = None

    def new_conversation(self) -> None:
        self._number += 1
        self.human_since = self.agent_acted = None

    @property
    def conversation_id(self) -> str:
        return f"sim-{self.buyer}-{self._token}-{self._number}"

    def in_human_mode(self, now: datetime) -> bool:
        """In human mode now? It ends once the agent (you) was quiet for the quiet time."""
        if self.human_since is None:
            return False
        if human_mode.quiet_over(
            self.routing, max(self.human_since, self.agent_acted or self.human_since), now
        ):
            self.human_since = self.agent_acted = None
        return self.human_since is not None

    def link(self, text: str) -> str | None:
        """The gateway's answer when `text` is the linking format (as in Telegram), else None."""
        if not reads_as_link(text, asked=False):
            return None
        from sqlalchemy.orm import Session as DbSession

        from shop.db.engine import make_engine
        from shop.models import utcnow

        with DbSession(make_engine()) as session, session.begin():
            reply = link_reply(
                session, CHANNEL, self.buyer, text, now=utcnow(), timezone=self.routing.timezone
            )
        return reply.text

    async def handle(self, text: str) -> RoutedDraft | None:
        now = datetime.now(timezone.utc)
        human = self.in_human_mode(now)
        try:
            draft = await draft_reply(
                self.client,
                self.conversation_id,
                text,
                channel=CHANNEL,
                user_id=self.buyer,
                routing=self.routing,
                check_context=self.check_context,
                human_mode=human,
                now=now,
            )
        except (RasaUnavailable, RasaMessageFailed, ValueError) as exc:
            print(f"simulate: Rasa did not answer ({exc})", file=sys.stderr)
            return None
        if not human and human_mode.asks_for_human(draft):
            self.human_since = now
            draft = human_mode.announce(
                draft, routing=self.routing, check_context=self.check_context, now=now
            )
        await asyncio.to_thread(open_follow_ups, self.buyer, draft.meta)
        return draft


def unavailable_record(text: str) -> dict:
    return {
        "text": text,
        "intent": None,
        "confidence": 0.0,
        "replies": [],
        "auto_send": False,
        "handoff": True,
        "policy_violations": [],
    }


def link_record(text: str, reply: str) -> dict:
    """A linking message is answered by the gateway itself, never by Rasa."""
    return {
        "text": text,
        "intent": None,
        "confidence": 1.0,
        "replies": [reply],
        "auto_send": True,
        "handoff": False,
        "policy_violations": [],
    }


def run_json(session: Session, lines: TextIO, out: TextIO) -> None:
    """One JSON object per input line; an empty line starts a new conversation."""
    with asyncio.Runner() as runner:
        for raw in lines:
            text = raw.rstrip("\r\n")
            if not text.strip():
                session.new_conversation()
                continue
            linked = session.link(text)
            if linked is not None:
                out.write(json.dumps(link_record(text, linked), ensure_ascii=False) + "\n")
                out.flush()
                continue
            draft = runner.run(session.handle(text))
            record = draft.as_json() if draft else unavailable_record(text)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
        runner.run(session.client.aclose())


def show_draft(draft: RoutedDraft) -> None:
    print(agent_texts.draft_header(draft.intent, draft.confidence))
    if draft.parts:
        print(agent_texts.parts_header(draft.meta.get("parts") or []))
    for reply in draft.replies or [agent_texts.NO_DRAFT]:
        print(f"  {agent_texts.DRAFT_LABEL} {reply}")
    for violation in draft.violations:
        print(f"  ⚠ {violation.reason}")
    print(f"  {agent_texts.route_line(draft.auto_send, route_reason(draft.decision))}")


def file_on_send(draft: RoutedDraft, buyer: str) -> bool | None:
    """Files the return an unsure "yes" left to the agent (as the desk's Send does).

    None when the draft asks for no filing, else whether it could be filed.
    """
    from sqlalchemy.orm import Session

    from shop.db.engine import make_engine
    from shop.models import utcnow
    from shop.store.return_confirmation import FILE_ON_SEND, file_pending, valid_pending

    pending = valid_pending((draft.meta.get("facts") or {}).get(FILE_ON_SEND))
    if pending is None:
        return None
    with Session(make_engine()) as session, session.begin():
        return file_pending(pending, buyer, now=utcnow(), session=session) is not None


def agent_turn(draft: RoutedDraft, check_context: CheckContext, *, buyer: str | None = None) -> None:
    """You as the agent: Enter sends (and files a return the draft confirms), e edits, r rejects."""
    while True:
        choice = input(agent_texts.AGENT_PROMPT).strip().lower()
        if choice == "" and draft.replies and not draft.violations:
            if buyer is not None and file_on_send(draft, buyer) is False:
                print(agent_texts.RETURN_NOT_FILED)
                continue
            for reply in draft.replies:
                print(f"{agent_texts.SENT_LABEL} {reply}")
            return
        if choice == "":
            print(agent_texts.CANNOT_SEND_AS_IS)
            continue
        if choice == "r":
            print(agent_texts.REJECTED)
            return
        if choice == "e" and _edit_and_send(check_context):
            return


def _edit_and_send(check_context: CheckContext) -> bool:
    """The agent's own reply: sent once it passes the policy check; True when sent.

    A refused edit is said to be unsent and asked for again, so a later Enter can
    never send the original draft in its place unnoticed; an empty line gives up.
    """
    prompt = agent_texts.EDIT_PROMPT
    while True:
        text = input(prompt).strip()
        if not text:
            print(agent_texts.EDIT_DISCARDED)
            return False
        problems = check_text(text, context=check_context)
        if not problems:
            print(f"{agent_texts.SENT_LABEL} {text}")
            return True
        for problem in problems:
            print(f"  ⚠ {problem.reason}")
        print(agent_texts.EDIT_REFUSED)
        prompt = agent_texts.EDIT_AGAIN_PROMPT


def run_interactive(session: Session) -> None:
    print(agent_texts.welcome(session.buyer))
    with asyncio.Runner() as runner:
        try:  # Ctrl-D ends the session at any prompt, the agent's too
            while True:
                text = input(agent_texts.BUYER_PROMPT)
                if not text.strip():
                    session.new_conversation()
                    print(agent_texts.NEW_CONVERSATION)
                    continue
                linked = session.link(text)
                if linked is not None:
                    print(f"{agent_texts.AUTO_SENT_LABEL} {linked}")
                    continue
                draft = runner.run(session.handle(text))
                if draft is None:
                    print(agent_texts.RASA_DOWN)
                    continue
                show_draft(draft)
                if draft.auto_send:
                    for reply in draft.replies:
                        print(f"{agent_texts.AUTO_SENT_LABEL} {reply}")
                else:
                    agent_turn(draft, session.check_context, buyer=session.buyer)
                    session.agent_acted = datetime.now(timezone.utc)
        except EOFError:
            print()
        runner.run(session.client.aclose())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.simulate", description=__doc__.splitlines()[0])
    parser.add_argument("--buyer", default="tb_linlin", help="the demo buyer whose verified chat this is")
    parser.add_argument("--json", action="store_true", help="read messages from stdin, print JSON lines")
    args = parser.parse_args(argv)
    settings = load_settings()
    try:
        check_context = prepare_buyer(args.buyer)
        with console_beside(settings), rasa_urls(settings, quiet=args.json) as reachable:
            session = Session(reachable, args.buyer, reachable.rasa_urls, check_context)
            if args.json:
                run_json(session, sys.stdin, sys.stdout)
            else:
                run_interactive(session)
    except (SimulatorError, StartError) as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
