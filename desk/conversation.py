"""A buyer chat's per-message state machine, shared by every agent front end.

The front end (the Telegram gateway in bot/, a web console, ...) stores every
buyer message first, then calls `handle_next` for the chat, one message at a
time, oldest first (bot/chat_queue.py). This module takes the chat's oldest
unfinished message and links, drafts (Rasa), auto-sends or puts a card before
an agent; it talks back only through `Front`. A message leaves "pending" only
once its outcome is stored, so a crash or a Rasa outage loses nothing: it is
retried, or picked up again at start-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from desk import human_mode, inbox, linking, queries, store, texts
from desk.drafts import DraftState
from desk.message_text import is_blank
from desk.pipeline import RoutedDraft, draft_reply
from desk.rasa_client import RasaClient, RasaUnavailable
from desk.routing import RouteDecision, RoutingConfig
from shop.db.errors import ShopUnavailable
from shop.policy import CheckContext
from shop.store.linking import buyer_for_chat
from shop.store.policy_context import ShopWideCache, context_for
from stack.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
# Tries of a message that fails for reasons other than Rasa being down (Rasa failing
# on it, a bug); counted in the stored `attempts`, so restarts do not reset it.
MAX_ATTEMPTS = 3
# The model's best guesses an agent sees, so an unsure or unplaced message is one tap from its intent.
CANDIDATES = 3


class Front(Protocol):
    """What the state machine needs from an agent front end: bot.gateway.Gateway (Telegram) and
    bot.simulator_front.SimulatorFront (the terminal simulator) are the two."""

    channel: str
    settings: Settings
    routing: RoutingConfig
    rasa: RasaClient
    shop_wide: ShopWideCache
    # Chats whose buyer already got the "please wait" reply during a Rasa outage.
    outage_notified: set[str]

    def clock(self) -> datetime: ...

    async def db(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs `work(session, *args, **kwargs)` in one committed transaction."""
        ...

    async def db_until_done(self, work: Callable[..., T], *args: Any) -> T:
        """Like `db`, but waits out a database outage (records of what already happened)."""
        ...

    def rasa_sender(self, chat_id: str) -> str:
        """The chat's conversation id at Rasa (its tracker)."""
        ...

    async def send_to_buyer(
        self, chat_id: str, conversation_id: int, text: str, *, draft_id: int | None = None
    ) -> bool:
        """Sends and records a text; False if the buyer blocked the bot."""
        ...

    def drafted(self, draft_id: int, draft: RoutedDraft) -> None:
        """The message's draft is stored, routed as `draft.decision` (the gateway shows drafts
        only as cards: it does nothing here; the simulator reports each one)."""
        ...

    async def post_card(self, draft_id: int) -> bool:
        """Shows the draft to the agents; False: no holding timer (nowhere to show it, or the
        front end's agent answers before the chat's next message, as in the simulator)."""
        ...

    async def notify_agents(self, text: str) -> None:
        """A notice for the agents, not tied to a card."""
        ...

    async def card_overdue(self, draft_id: int) -> None:
        """The draft waited too long: its card says the buyer got the holding message."""
        ...

    def arm(self, draft_id: int, task: asyncio.Task[None]) -> None:
        """Keeps one holding timer per draft (a re-armed one replaces the old)."""
        ...


@dataclass(frozen=True)
class Command:
    """A bot command the buyer typed: "/link 5021873340001 1234" is ("link", "5021873340001 1234")."""

    name: str
    args: str


def parse_command(kind: str, text: str) -> Command | None:
    """The command a stored message is (read once per message), or None for anything else."""
    parts = text.split(maxsplit=1) if kind == "text" else []
    if not parts or not parts[0].startswith("/"):
        return None
    return Command(parts[0][1:].split("@")[0].lower(), parts[1].strip() if len(parts) > 1 else "")


@dataclass
class Job:
    """One unfinished message and what is known about its chat."""

    inbound_id: int
    message_id: str  # stable per stored message: Rasa answers a retry without handling it twice
    chat_id: str
    user_id: str
    kind: str
    text: str
    file_id: str | None
    attempts: int
    conversation_id: int
    human_mode: bool
    blocked: bool
    buyer_account: str | None
    check_context: CheckContext
    agents_on_duty: int
    last_asked_link: bool
    command: Command | None = None


def _begin(session: Session, front: Front, chat_id: str, now: datetime) -> Job | None:
    inbound = queries.next_inbound(front.channel, chat_id, session=session)
    if inbound is None:
        return None
    # Read before marking: the ORM update also refreshes `inbound.attempts` in the session.
    attempts = inbound.attempts + 1
    store.mark_inbound(inbound.id, "processing", session=session, now=now)
    conv = store.ensure_conversation(front.channel, chat_id, inbound.user_id, session=session, now=now)
    buyer = buyer_for_chat(front.channel, inbound.user_id, session=session)
    account = buyer.account if buyer else None
    last = queries.last_draft(conv.id, session=session)
    return Job(
        inbound_id=inbound.id,
        # The receive time keeps ids apart when a reset database reuses row ids.
        message_id=f"{front.channel}-{inbound.id}-{int(inbound.received_at.timestamp() * 1000)}",
        chat_id=chat_id,
        user_id=inbound.user_id,
        kind=inbound.kind,
        text=inbound.text or "",
        file_id=inbound.file_id,
        attempts=attempts,
        conversation_id=conv.id,
        human_mode=human_mode.in_human_mode(conv, front.routing, session=session, now=now),
        blocked=conv.blocked,
        buyer_account=account,
        check_context=context_for(buyer, session=session, shop_wide=front.shop_wide),
        agents_on_duty=queries.agents_on_duty(session=session),
        last_asked_link=last is not None and linking.asked_to_link(last.meta),
        command=parse_command(inbound.kind, inbound.text or ""),
    )


def _done(session: Session, inbound_id: int, now: datetime) -> None:
    store.mark_inbound(inbound_id, "done", session=session, now=now)


async def handle_next(front: Front, chat_id: str) -> bool:
    """Handles the chat's oldest unfinished message; False when there is none."""
    now = front.clock()
    job = await front.db(_begin, front, chat_id, now)
    if job is None:
        return False
    try:
        await _dispatch(front, job)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        if job.attempts < MAX_ATTEMPTS or isinstance(exc, ShopUnavailable):
            raise  # still "processing": the worker tries it again (a database outage never counts)
        # A message that keeps failing must not block the chat: an agent gets it raw.
        log.exception(
            "giving up on message %s of chat %s after %s attempts", job.inbound_id, chat_id, job.attempts
        )
        await _to_agent(front, job, texts.text("route_reasons.gateway_failed", attempts=job.attempts))
    return True


async def _dispatch(front: Front, job: Job) -> None:
    handler = COMMANDS.get(job.command.name) if job.command else None
    if handler is not None and job.command is not None:
        await handler(front, job, job.command.args)
    elif job.kind == "text" and linking.reads_as_link(
        job.text, asked=job.buyer_account is None and job.last_asked_link
    ):
        # The labelled linking format always links; the bare digits only right after the bot asked.
        await _on_link(front, job, job.text)
    elif job.kind != "text":
        await _media_message(front, job)
    else:
        await _draft(front, job)


# --- the bot's own commands: each handled in turn with the chat's other messages ---


async def _on_start(front: Front, job: Job, args: str) -> None:
    """/start: the buyer sees a welcome saying what the bot can do and how to link an order."""
    await front.db(_done, job.inbound_id, front.clock())
    await front.send_to_buyer(job.chat_id, job.conversation_id, texts.buyer("welcome"))


async def _on_link(front: Front, job: Job, args: str) -> None:
    """/link ORDER LAST4: the chat is linked to the buyer's shop account, or told why not."""

    def work(session: Session) -> linking.LinkReply:
        _done(session, job.inbound_id, front.clock())
        return linking.link_reply(
            session, front.channel, job.user_id, args, now=front.clock(), timezone=front.routing.timezone
        )

    reply = await front.db(work)
    await front.send_to_buyer(job.chat_id, job.conversation_id, reply.text)
    if reply.desk_notice:
        await front.notify_agents(reply.desk_notice)


async def _on_unlink(front: Front, job: Job, args: str) -> None:
    """/unlink: the chat is unlinked from the buyer's shop account."""

    def work(session: Session) -> str:
        _done(session, job.inbound_id, front.clock())
        return linking.unlink_reply(session, front.channel, job.user_id, now=front.clock())

    await front.send_to_buyer(job.chat_id, job.conversation_id, await front.db(work))


# Other commands ("/restart" typed by a buyer) are plain text for the model.
COMMANDS: dict[str, Callable[[Front, Job, str], Awaitable[None]]] = {
    "start": _on_start,
    "link": _on_link,
    "unlink": _on_unlink,
}


def _store_agent_draft(session: Session, job: Job, reason: str, now: datetime) -> int:
    draft = store.record_draft(
        conversation_id=job.conversation_id,
        inbound_id=job.inbound_id,
        texts=[],
        route_reason=reason,
        session=session,
        now=now,
    )
    _done(session, job.inbound_id, now)
    return draft.id


async def _media_message(front: Front, job: Job) -> None:
    kind = texts.kind_name(job.kind)
    reason = texts.text("route_reasons.media", kind=kind)
    draft_id = await front.db(_store_agent_draft, job, reason, front.clock())
    await front.send_to_buyer(job.chat_id, job.conversation_id, texts.buyer("media_received", kind=kind))
    await post_card(front, draft_id)


async def _to_agent(front: Front, job: Job, reason: str) -> None:
    draft_id = await front.db(_store_agent_draft, job, reason, front.clock())
    await post_card(front, draft_id)


def backoff(settings: Settings, attempts: int) -> float:
    return min(settings.rasa_retry_max_s, settings.rasa_retry_base_s * 2 ** max(0, attempts - 1))


async def _draft(front: Front, job: Job) -> None:
    if is_blank(job.text) and job.human_mode:
        await _to_agent(front, job, texts.text("route_reasons.human_mode"))
        return
    if is_blank(job.text):
        # Nothing to classify (Rasa's classifier fails on it): the buyer is asked what they need.
        await front.db(_done, job.inbound_id, front.clock())
        await front.send_to_buyer(job.chat_id, job.conversation_id, texts.buyer("blank_message"))
        return
    try:
        draft = await draft_reply(
            front.rasa,
            front.rasa_sender(job.chat_id),
            job.text,
            channel=front.channel,
            user_id=job.user_id,
            routing=front.routing,
            check_context=job.check_context,
            human_mode=job.human_mode,  # drafts for the agents' cards only
            agents_on_duty=job.agents_on_duty > 0,
            now=front.clock(),
            message_id=job.message_id,
            max_chars=front.settings.rasa_max_chars,
        )
    except RasaUnavailable as exc:
        await _rasa_down(front, job, exc)
        return
    front.outage_notified.discard(job.chat_id)
    asked_for_human = not job.human_mode and human_mode.asks_for_human(draft)
    if asked_for_human:
        draft = human_mode.announce(
            draft, routing=front.routing, check_context=job.check_context, now=front.clock()
        )
    draft_id, decision = await front.db(_save_draft, front, job, draft, asked_for_human)
    if decision != draft.decision:  # held: an earlier draft of the chat still waits for an agent
        draft = replace(draft, decision=decision)
    front.drafted(draft_id, draft)
    if not decision.auto_send:
        await post_card(front, draft_id)
        return
    for reply in draft.replies:
        if not await front.send_to_buyer(job.chat_id, job.conversation_id, reply, draft_id=draft_id):
            await front.db_until_done(_claim, draft_id, [DraftState.PENDING], DraftState.SUPERSEDED)
            return
    await front.db_until_done(_claim, draft_id, [DraftState.PENDING], DraftState.SENT)
    if asked_for_human:  # the buyer was told an agent answers: the agents see the chat
        await post_card(front, draft_id)


async def _rasa_down(front: Front, job: Job, exc: Exception) -> None:
    log.warning("Rasa could not handle a message of chat %s (attempt %s): %s", job.chat_id, job.attempts, exc)
    if job.attempts >= front.settings.rasa_max_attempts:
        # Retried for long enough: an agent answers it, and the chat's next messages move on.
        await _to_agent(front, job, texts.text("route_reasons.rasa_unavailable", attempts=job.attempts))
        return
    await front.db(lambda s: store.mark_inbound(job.inbound_id, "pending", session=s, now=front.clock()))
    if job.chat_id not in front.outage_notified:
        # Once per outage: the buyer hears we are on it, the agents see the raw message.
        front.outage_notified.add(job.chat_id)
        await front.send_to_buyer(job.chat_id, job.conversation_id, texts.buyer("busy"))
        await front.notify_agents(texts.agent("card_rasa_down", text=job.text))
    await asyncio.sleep(backoff(front.settings, job.attempts))


def _claim(session: Session, draft_id: int, sources: tuple[str, ...], target: str) -> bool:
    return store.claim_draft(draft_id, sources, target, session=session)


def _low_confidence(routing: RoutingConfig, draft: RoutedDraft) -> bool:
    """The model was unsure: a trainer should see the message (below the threshold, or held
    because the reading leans toward a grievance or sounds like a complaint)."""
    route = routing.route_for(draft.intent)
    return (
        draft.intent == "nlu_fallback"
        or (route.auto_send and draft.confidence < route.threshold)
        or draft.decision.code in ("grievance_doubt", "tone_doubt")
    )


def _save_draft(
    session: Session, front: Front, job: Job, draft: RoutedDraft, asked_for_human: bool = False
) -> tuple[int, RouteDecision]:
    now = front.clock()
    if asked_for_human:
        human_mode.enter(job.conversation_id, session=session, now=now)
    decision: RouteDecision = draft.decision
    # The new draft is not stored yet, so every waiting draft is an earlier one.
    if decision.auto_send and queries.waiting_drafts(job.conversation_id, session=session):
        # Never answer a later message before an earlier one an agent still holds.
        decision = RouteDecision(False, "earlier_waiting")
    # The card's candidates: a fallback's ranking starts with nlu_fallback, which is no candidate.
    ranking = [r for r in draft.intent_ranking if r.get("name") != "nlu_fallback"][:CANDIDATES]
    meta: dict[str, Any] = {**draft.meta, "intent_ranking": ranking}
    row = store.record_draft(
        conversation_id=job.conversation_id,
        inbound_id=job.inbound_id,
        texts=draft.replies,
        intent=draft.intent,
        confidence=draft.confidence,
        meta=meta,
        policy_violations=[{"code": v.code, "reason": v.reason} for v in draft.violations],
        auto_send=decision.auto_send,
        route_reason=texts.route_reason(decision),
        session=session,
        now=now,
    )
    reason = (
        "unhandled"
        if not draft.replies
        else "low_confidence"
        if _low_confidence(front.routing, draft)
        else None
    )
    if reason:
        inbox.add_from_draft(
            row, reason, ranking=draft.intent_ranking, text=job.text, session=session, now=now
        )
    _done(session, job.inbound_id, now)
    return row.id, decision


# --- cards and the holding timer -------------------------------------------------


async def post_card(front: Front, draft_id: int) -> None:
    """Puts the draft's card before the agents and starts its holding timer."""
    if await front.post_card(draft_id):
        arm_holding(front, draft_id, front.settings.holding_after_s)


def arm_holding(front: Front, draft_id: int, delay: float) -> None:
    """After `delay` without an agent, the buyer gets one holding message."""
    front.arm(
        draft_id, asyncio.create_task(_holding(front, draft_id, max(0.0, delay)), name=f"holding-{draft_id}")
    )


@dataclass(frozen=True)
class _Overdue:
    chat_id: str
    conversation_id: int
    blocked: bool


async def _holding(front: Front, draft_id: int, delay: float) -> None:
    await asyncio.sleep(delay)

    def overdue(session: Session) -> _Overdue | None:
        draft = store.get_draft(draft_id, session=session)
        conv = queries.conversation_by_id(draft.conversation_id, session=session) if draft else None
        if conv is None or conv.mode == "human":
            return None  # in human mode the bot sends nothing on its own: the buyer was told who answers
        # The conditional update makes the holding message go out once, even across restarts.
        if not store.claim_draft(
            draft_id, [DraftState.PENDING], DraftState.OVERDUE, session=session, now=front.clock()
        ):
            return None
        return _Overdue(conv.chat_id, conv.id, conv.blocked)

    target = await front.db(overdue)
    if target is None:
        return
    if not target.blocked:
        await front.send_to_buyer(
            target.chat_id, target.conversation_id, texts.buyer("holding"), draft_id=draft_id
        )
    await front.card_overdue(draft_id)
