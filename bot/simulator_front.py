"""The terminal simulator's front end on the desk (`desk.conversation.Front`), beside Telegram's.

A simulated buyer message is stored as an inbound row of channel "simulator" and
handled by the same state machine as a Telegram message (`desk.conversation.handle_next`):
linking (/link and the free-text format), drafting, routing, human mode, follow-up
tasks and the trainer inbox are the desk's. Only the talking is the simulator's: what
goes to the buyer, the card for the agent and the agents' notices are collected per
message (`Turn`) for bot/simulate.py to print or report, and recorded as the gateway
records them (`outbound_messages`).

Each simulated conversation is a chat of its own ("sim-<run>-<n>", linked through the
buyer's account), so a new conversation starts without human mode or Rasa slots, and a
run never mixes with another run's or the console demo's chats.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from desk import channels, conversation, store
from desk.drafts import DraftState
from desk.pipeline import RoutedDraft
from desk.rasa_client import RasaClient
from desk.routing import load_routing
from shop.db.engine import in_transaction
from shop.db.errors import ShopUnavailable
from shop.models import Draft, utcnow
from shop.store.policy_context import ShopWideCache
from stack.settings import Settings

log = logging.getLogger(__name__)

CHANNEL = channels.SIMULATOR
T = TypeVar("T")


@dataclass
class Turn:
    """What the desk did with one buyer message."""

    text: str
    draft: RoutedDraft | None = None  # Rasa's draft as the desk routed and stored it
    card_draft_id: int | None = None  # the stored draft put before the agent (with or without a draft text)
    sent: list[str] = field(default_factory=list)  # what went to the buyer on its own
    notices: list[str] = field(default_factory=list)  # notices for the agents


class SimulatorFront:
    """The desk's front end for one simulated buyer: collects instead of talking to Telegram."""

    channel = CHANNEL

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        buyer: str,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        # Rasa down: the message goes to the agent at once (an unavailable record), not after
        # retries with backoff; the simulator answers one message after the other.
        self.settings = replace(settings, rasa_max_attempts=1)
        self.engine = engine
        self.buyer = buyer
        self.clock = clock
        self.routing = load_routing(settings.routing_file)
        self.rasa = RasaClient.from_settings(settings)  # a promotion beside `make demo` is followed
        self.shop_wide = ShopWideCache()
        self.outage_notified: set[str] = set()
        self._run_id = secrets.token_hex(4)  # keeps this run's chats apart from other runs'
        self._conversation_number = 1
        self._current_turn: Turn | None = None  # the message being handled: what happens is collected here
        self._messages_stored = 0

    @property
    def chat_id(self) -> str:
        """The chat of the conversation going on now."""
        return f"sim-{self._run_id}-{self._conversation_number}"

    def rasa_sender(self, chat_id: str) -> str:
        return chat_id

    # --- the database, as the gateway uses it -------------------------------------------

    async def db(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs `work(session, *args, **kwargs)` in a thread, in one committed transaction."""
        return await asyncio.to_thread(in_transaction, self.engine, work, *args, **kwargs)

    async def db_until_done(self, work: Callable[..., T], *args: Any) -> T:
        # Nobody else is waiting in a terminal: a database outage ends the run (bot/simulate.py says so).
        return await self.db(work, *args)

    # --- one buyer message ----------------------------------------------------------------

    async def buyer_says(self, text: str) -> Turn:
        """Stores the buyer's message and lets the desk handle it; what happened, in order."""
        self._messages_stored += 1

        def record(session: Session) -> None:
            store.record_inbound(
                channel=CHANNEL,
                update_key=f"{self._run_id}-{self._messages_stored}",
                chat_id=self.chat_id,
                user_id=self.buyer,
                text=text,
                session=session,
                now=self.clock(),
            )

        await self.db(record)
        turn = self._current_turn = Turn(text)
        try:
            await self._handle_unfinished_messages()
        finally:
            self._current_turn = None
        return turn

    async def _handle_unfinished_messages(self) -> None:
        """The chat's stored messages, oldest first, as the gateway's chat worker handles them."""
        failures = 0
        while True:
            try:
                if not await conversation.handle_next(self, self.chat_id):
                    return
                failures = 0
            except ShopUnavailable:
                raise
            except Exception as exc:
                # Still "processing": tried again, until handle_next gives it to an agent.
                failures += 1
                if failures > conversation.MAX_ATTEMPTS:
                    raise
                log.warning("handling a simulated message failed (%s): trying again", exc)

    async def new_conversation(self) -> None:
        """The buyer starts over: the draft left waiting is given up, and a new chat begins."""
        await self.supersede_waiting_drafts()
        self._conversation_number += 1

    async def supersede_waiting_drafts(self) -> None:
        """Nobody will answer the chat's waiting drafts any more (the simulated buyer left,
        or --json has no agent): superseded, so they stand in no agent's queue."""

        def work(session: Session) -> None:
            conv = store.get_conversation(CHANNEL, self.chat_id, session=session)
            if conv is None:
                return
            waiting = select(Draft.id).where(
                Draft.conversation_id == conv.id, Draft.state == DraftState.PENDING
            )
            for draft_id in session.scalars(waiting).all():
                store.claim_draft(
                    draft_id, [DraftState.PENDING], DraftState.SUPERSEDED, session=session, now=self.clock()
                )

        await self.db(work)

    async def aclose(self) -> None:
        await self.supersede_waiting_drafts()
        await self.rasa.aclose()

    # --- what the state machine says (desk.conversation.Front) ------------------------------

    async def send_to_buyer(
        self, chat_id: str, conversation_id: int, text: str, *, draft_id: int | None = None
    ) -> bool:
        """Recorded as sent (a terminal buyer never blocks the bot) and kept for the message's report."""

        def record(session: Session) -> None:
            store.record_outbound(
                channel=CHANNEL,
                chat_id=chat_id,
                text=text,
                draft_id=draft_id,
                status="sent",
                session=session,
                now=self.clock(),
            )

        await self.db_until_done(record)
        if self._current_turn is not None:
            self._current_turn.sent.append(text)
        return True

    def drafted(self, draft_id: int, draft: RoutedDraft) -> None:
        if self._current_turn is not None:
            self._current_turn.draft = draft

    async def post_card(self, draft_id: int) -> bool:
        """The card is the terminal's agent prompt, answered before the next message: no holding timer."""
        if self._current_turn is not None:
            self._current_turn.card_draft_id = draft_id
        return False

    async def notify_agents(self, text: str) -> None:
        if self._current_turn is not None:
            self._current_turn.notices.append(text)

    async def card_overdue(self, draft_id: int) -> None:
        """Never: no holding timer runs (`post_card`)."""

    def arm(self, draft_id: int, task: asyncio.Task[None]) -> None:
        task.cancel()  # never armed (`post_card` answers False); a timer here would outlive its message
