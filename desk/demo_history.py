"""Seed the demo shop with a few days of chat history: ``python -m desk.demo_history``.

So that every number, chart and page of the owner's (and agents') views shows
something on a fresh demo: buyers write (data/demo_shop/history.yaml), the
bot's drafts are routed by the shop's own routing.yml, replies go out on their
own or after an agent sent, edited or rejected them (holding messages when an
agent is slow), trainers' inbox items and follow-up tasks appear. Everything is
written through `desk.store` / `desk.inbox` as the gateway would.

Deterministic (the file's seed), relative to the moment of seeding, and
idempotent: a database that already holds the history is left as it is. Every
draft is final and every message answered or closed, so a gateway started on
the demo has nothing to resume. Run after ``python -m shop.demo`` (its
``--reset`` clears the history too; seeding again rebuilds it).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from desk import follow_ups, inbox, store, texts
from desk.agent_actions import heavily_edited
from desk.drafts import DraftState
from desk.routing import RoutingConfig, decide, load_routing
from paths import PROJECT_ROOT
from shop.db.engine import db_errors_as_shop_errors, make_engine
from shop.db.errors import ShopError
from shop.db.migrate import upgrade
from shop.models import Conversation, Order, utcnow
from shop.models.people import Buyer
from shop.store.linking import ensure_verified_link

HISTORY_FILE = PROJECT_ROOT / "data" / "demo_shop" / "history.yaml"
ROUTING_FILE = PROJECT_ROOT / "responses" / "routing.yml"
CHANNEL = "telegram"
MARKER_CHAT = "demo-01"  # the first guest chat: present means seeded
HOLDING_AFTER = timedelta(seconds=90)  # the gateway's default (HOLDING_AFTER_SECONDS)
# Agents close a follow-up within a day or so: the last day's are still open, so the demo
# always shows both kinds whatever the random draws (they move with routing.yml's thresholds).
STILL_OPEN = timedelta(days=1)


@dataclass(frozen=True)
class SeedResult:
    action: str  # "seeded" or "unchanged"
    messages: int
    drafts: int


def read_history(path: Path = HISTORY_FILE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or "scenes" not in data:
        raise ShopError(f"{path} is not a demo history file")
    return data


class _Seeder:
    def __init__(self, session: Session, data: Mapping[str, Any], routing: RoutingConfig, now: datetime):
        self.session, self.data, self.routing, self.now = session, data, routing, now
        self.rng = random.Random(data["seed"])
        self.messages = self.drafts = 0
        self.update_key = 0
        self.conversations: dict[str, Conversation] = {}
        linked = dict((data.get("chats") or {}).get("linked") or {})
        guests = [f"demo-{i:02d}" for i in range(1, int(data["chats"]["guests"]) + 1)]
        self.linked, self.guests = linked, guests
        self.orders = {
            account: self.session.scalars(
                select(Order.id).join(Buyer).where(Buyer.account == account).order_by(Order.id)
            ).all()
            for account in linked.values()
        }

    # --- when ---------------------------------------------------------------------

    def moments(self) -> list[datetime]:
        """Buyer message times over the last days, by the file's hourly weights, oldest first."""
        zone = self.routing.timezone
        local_now = self.now.astimezone(ZoneInfo(zone))
        weights = self.data["hour_weights"]
        low, high = self.data["messages_per_day"]
        out = []
        for back in range(int(self.data["days"]) - 1, -1, -1):
            day = (local_now - timedelta(days=back)).replace(hour=0, minute=0, second=0, microsecond=0)
            for _ in range(self.rng.randint(low, high)):
                hour = self.rng.choices(range(24), weights=weights)[0]
                at = day + timedelta(hours=hour, seconds=self.rng.randrange(3600))
                # Leave the last quarter hour empty: every message has had its answer.
                if at < local_now - timedelta(minutes=15):
                    out.append(at.astimezone(self.now.tzinfo))
        return sorted(out)

    def agent_delay(self, at: datetime) -> timedelta:
        bands = self.data["agent_delay"]
        share, low, high = self.rng.choices(bands, weights=[b[0] for b in bands])[0]
        delay = timedelta(seconds=self.rng.uniform(low, high))
        opens = at
        while not self.routing.in_business_hours(opens) and opens - at < timedelta(days=2):
            opens += timedelta(minutes=15)  # the desk is closed: the card waits for the morning
        return (opens - at) + delay

    # --- what ---------------------------------------------------------------------

    def send(self, chat: str, text: str, at: datetime, draft_id: int | None) -> None:
        store.record_outbound(
            channel=CHANNEL,
            chat_id=chat,
            text=text,
            draft_id=draft_id,
            status="sent",
            session=self.session,
            now=at,
        )

    def message(self, at: datetime) -> None:
        scenes = self.data["scenes"]
        scene = self.rng.choices(scenes, weights=[s["weight"] for s in scenes])[0]
        if scene.get("linked_only"):
            chat = self.rng.choice(sorted(self.linked))
        else:
            chat = self.rng.choice([*self.guests, *sorted(self.linked)])
        self.update_key += 1
        kind = scene.get("kind", "text")
        text = None if kind != "text" else self.rng.choice(scene["texts"])
        inbound, _ = store.record_inbound(
            channel=CHANNEL,
            update_key=f"demo-{self.update_key}",
            chat_id=chat,
            user_id=chat,
            kind=kind,
            text=text,
            session=self.session,
            now=at,
        )
        conv = self.conversations.get(chat)
        if conv is None:  # once per chat: the rows are written oldest first
            conv = self.conversations[chat] = store.ensure_conversation(
                CHANNEL, chat, chat, session=self.session, now=at
            )
        self.messages += 1
        drafted = at + timedelta(seconds=self.rng.uniform(0.4, 1.5))
        store.mark_inbound(inbound.id, "done", session=self.session, now=drafted)
        if kind != "text":
            self.media(scene, chat, conv, inbound.id, kind, drafted)
        else:
            self.text(scene, chat, conv, inbound.id, text or "", drafted)

    def media(self, scene: Mapping[str, Any], chat: str, conv: Conversation, inbound_id: int, kind: str,
              at: datetime) -> None:  # fmt: skip
        name = texts.kind_name(kind)
        draft = store.record_draft(
            conversation_id=conv.id, inbound_id=inbound_id, texts=[],
            route_reason=texts.text("route_reasons.media", kind=name), session=self.session, now=at,
        )  # fmt: skip
        self.drafts += 1
        self.send(chat, texts.buyer("media_received", kind=name), at, None)
        self.agent_acts(draft.id, chat, conv, at, outcome="edited", scene=scene, replies=[])

    def text(self, scene: Mapping[str, Any], chat: str, conv: Conversation, inbound_id: int, text: str,
             at: datetime) -> None:  # fmt: skip
        intent = scene["intent"]
        low, high = scene["confidence"]
        # Models are mostly sure: more drafts near the top of the range than near its bottom.
        confidence = round(self.rng.triangular(low, high, high), 4)
        handoff = self.rng.random() < float(scene.get("handoff_share", 0))
        meta: dict[str, Any] = {
            "action": f"action_{intent}",
            "facts": {},
            "rule": None,
            "handoff": handoff,
            "handoff_reason": scene.get("handoff_reason") if handoff else None,
            "follow_up": scene.get("handoff_reason") if handoff and scene.get("follow_up") else None,
            "intent_ranking": [{"name": intent, "confidence": confidence}],
        }
        decision = decide(
            self.routing, intent=intent, confidence=confidence, has_reply=True, policy_ok=True,
            handoff=handoff, human_mode=False, agents_on_duty=True, now=at, text=text or "",
        )  # fmt: skip
        draft = store.record_draft(
            conversation_id=conv.id, inbound_id=inbound_id, texts=list(scene["reply"]), intent=intent,
            confidence=confidence, meta=meta, auto_send=decision.auto_send,
            route_reason=texts.route_reason(decision), session=self.session, now=at,
        )  # fmt: skip
        self.drafts += 1
        route = self.routing.route_for(intent)
        if intent == "nlu_fallback" or (route.auto_send and confidence < route.threshold):
            inbox.add_from_draft(draft, "low_confidence", text=text, session=self.session, now=at)
        if meta["follow_up"]:
            self.follow_up(meta["follow_up"], chat, conv, at)
        if decision.auto_send:
            sent = at + timedelta(seconds=self.rng.uniform(0.5, 2.5))
            for reply in scene["reply"]:
                self.send(chat, reply, sent, draft.id)
            store.claim_draft(draft.id, [DraftState.PENDING], DraftState.SENT, session=self.session, now=sent)
            return
        # Agents send more drafts unchanged the surer the model, all of them from `sure_from` up.
        low_ok, high_ok = scene["unchanged"]
        sure = float(scene.get("sure_from", high))
        share = (
            high_ok if confidence >= sure else low_ok + (high_ok - low_ok) * (confidence - low) / (sure - low)
        )
        if self.rng.random() < share:
            outcome = "unchanged"
        else:
            outcome = "rejected" if self.rng.random() < float(scene.get("reject", 0)) else "edited"
        self.agent_acts(draft.id, chat, conv, at, outcome=outcome, scene=scene, replies=list(scene["reply"]))

    def follow_up(self, reason: str, chat: str, conv: Conversation, at: datetime) -> None:
        account = self.linked.get(chat)
        orders = self.orders.get(account or "", [])
        task = follow_ups.ensure_follow_up(
            reason=reason, conversation_id=conv.id, order_id=self.rng.choice(orders) if orders else None,
            session=self.session, now=at,
        )  # fmt: skip
        done = at + timedelta(hours=self.rng.uniform(1, 20))
        if task.done_at is None and at < self.now - STILL_OPEN and done < self.now - timedelta(hours=1):
            follow_ups.close(task.id, self.rng.choice(self.data["agents"]), self.rng.choice(self.data["follow_up_notes"]),
                             session=self.session, now=done)  # fmt: skip

    def agent_acts(self, draft_id: int, chat: str, conv: Conversation, at: datetime, *, outcome: str,
                   scene: Mapping[str, Any], replies: list[str]) -> None:  # fmt: skip
        agent = self.rng.choice(self.data["agents"])
        acted = min(at + self.agent_delay(at), self.now - timedelta(seconds=30))
        state = DraftState.PENDING
        if acted - at > HOLDING_AFTER:
            held = at + HOLDING_AFTER
            store.claim_draft(draft_id, [state], DraftState.OVERDUE, session=self.session, now=held)
            self.send(chat, texts.buyer("holding"), held, draft_id)
            state = DraftState.OVERDUE
        if outcome == "rejected":
            store.claim_draft(draft_id, [state], DraftState.REJECTED, session=self.session, now=acted)
            store.record_decision(
                draft_id=draft_id, agent_user_id=agent, action="reject", session=self.session, now=acted
            )
            if scene.get("taught"):
                store.record_decision(
                    draft_id=draft_id, agent_user_id=agent, action="teach", corrected_intent=scene["taught"],
                    session=self.session, now=acted,
                )  # fmt: skip
            draft = store.get_draft(draft_id, session=self.session)
            assert draft is not None
            item = inbox.add_from_draft(draft, "rejected", session=self.session, now=acted)
            item.agent_intent = scene.get("taught")
            # ... and answers the buyer in their own words (never after the moment of seeding).
            answered = min(
                acted + timedelta(seconds=self.rng.uniform(20, 90)), self.now - timedelta(seconds=1)
            )
            store.record_decision(draft_id=draft_id, agent_user_id=agent, action="send", text=scene["edited"],
                                  session=self.session, now=answered)  # fmt: skip
            self.send(chat, scene["edited"], answered, draft_id)
            return
        store.claim_draft(draft_id, [state], DraftState.SENT, session=self.session, now=acted)
        if outcome == "unchanged":
            store.record_decision(draft_id=draft_id, agent_user_id=agent, action="send", session=self.session,
                                  now=acted)  # fmt: skip
            for reply in replies:
                self.send(chat, reply, acted, draft_id)
            return
        store.record_decision(draft_id=draft_id, agent_user_id=agent, action="edit", text=scene["edited"],
                              session=self.session, now=acted)  # fmt: skip
        self.send(chat, scene["edited"], acted, draft_id)
        if replies and heavily_edited("".join(replies), scene["edited"]):
            draft = store.get_draft(draft_id, session=self.session)
            assert draft is not None
            inbox.add_from_draft(draft, "edited", session=self.session, now=acted)


def seed_history(
    session: Session,
    *,
    now: datetime | None = None,
    data: Mapping[str, Any] | None = None,
    routing: RoutingConfig | None = None,
) -> SeedResult:
    """Write the demo history into ``session`` unless it is there (the caller commits)."""
    if store.get_conversation(CHANNEL, MARKER_CHAT, session=session) is not None:
        return SeedResult("unchanged", 0, 0)
    data = read_history() if data is None else data
    seeder = _Seeder(session, data, routing or load_routing(ROUTING_FILE), now or utcnow())
    known = set(session.scalars(select(Buyer.account).where(Buyer.account.in_(list(seeder.linked.values())))))
    if known != set(seeder.linked.values()):
        raise ShopError(
            "demo history: the demo buyers are missing: build the demo shop first (python -m shop.demo)"
        )
    for chat, account in sorted(seeder.linked.items()):
        ensure_verified_link(
            CHANNEL, chat, account, session=session, now=seeder.now - timedelta(days=int(data["days"]))
        )
    # The marker chat first, so a partly seeded database can never look complete.
    store.ensure_conversation(CHANNEL, MARKER_CHAT, MARKER_CHAT, session=session,
                              now=seeder.now - timedelta(days=int(data["days"])))  # fmt: skip
    for at in seeder.moments():
        seeder.message(at)
    session.flush()
    return SeedResult("seeded", seeder.messages, seeder.drafts)


def ensure_history(engine: Engine | None = None, *, now: datetime | None = None) -> SeedResult:
    """Migrate the database and seed the history unless it is there."""
    engine = engine or make_engine()
    upgrade(engine=engine)
    with db_errors_as_shop_errors(), Session(engine, expire_on_commit=False) as session, session.begin():
        return seed_history(session, now=now)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desk.demo_history", description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    engine = make_engine()
    where = engine.url.render_as_string(hide_password=True)
    try:
        result = ensure_history(engine)
    except ShopError as error:
        print(f"Demo history not seeded into {where}: {error.__cause__ or error}", file=sys.stderr)
        return 1
    if result.action == "unchanged":
        print(f"Demo history already in {where}; nothing changed.")
    else:
        print(f"Demo history seeded into {where}: {result.messages} buyer messages, {result.drafts} drafts.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
