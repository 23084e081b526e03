"""How one benchmark message is sent: through our gateway path, the stock REST channel, or bare NLU."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy.orm import Session

from bench.conversations import Conversation
from bench.load import NoReply, Send
from bench.stack import CHANNEL, BenchStack, ShopDb
from desk.pipeline import draft_reply, split_messages
from desk.rasa_client import RasaClient, sticky_index
from desk.routing import RoutingConfig
from shop.db.engine import make_engine
from shop.store.linking import buyer_for_chat
from shop.store.policy_context import ShopWideCache, context_for


def gateway_sender(client: RasaClient, stack: BenchStack, db: ShopDb, routing: RoutingConfig) -> Send:
    """Buyer message in -> routed draft out, as the Telegram gateway does it (desk/conversation.py):
    look the buyer up in the shop DB (in a worker thread), then `draft_reply`."""
    engine = make_engine(db.url)
    shop_wide = ShopWideCache()  # the gateway keeps one (bot/gateway.py)

    def lookup(user_id: str) -> Any:
        with Session(engine) as session:
            buyer = buyer_for_chat(CHANNEL, user_id, session=session)
            return context_for(buyer, session=session, shop_wide=shop_wide)

    async def send(conversation_id: str, slot: int, conversation: Conversation, index: int) -> str | None:
        user_id = stack.user_id(slot)
        check_context = await asyncio.to_thread(lookup, user_id)
        draft = await draft_reply(
            client,
            conversation_id,
            conversation.turns[index].text,
            channel=CHANNEL,
            user_id=user_id,
            routing=routing,
            check_context=check_context,
        )
        if not draft.replies:
            raise NoReply(draft.intent)
        return draft.intent

    return send


def channel_sender(client: RasaClient, stack: BenchStack) -> Send:
    """Straight to our channel, as the gateway calls it (the same chat, so the actions see the
    same linked buyer), but without the gateway's own work: no buyer look-up, no policy
    check, no routing. What Rasa and the actions cost on their own."""

    async def send(conversation_id: str, slot: int, conversation: Conversation, index: int) -> str | None:
        metadata = {"channel": CHANNEL, "user_id": stack.user_id(slot)}
        turn = await client.send(conversation_id, conversation.turns[index].text, metadata)
        texts, _ = split_messages(turn.messages)  # what the gateway's draft would hold
        if not texts:
            raise NoReply(turn.intent)
        return turn.intent

    return send


def stock_sender(http: httpx.AsyncClient, url: str, stack: BenchStack) -> Send:
    """The stock setup: Rasa's REST channel, bot messages back, nothing else."""

    async def send(conversation_id: str, slot: int, conversation: Conversation, index: int) -> str | None:
        body = {
            "sender": conversation_id,
            "message": conversation.turns[index].text,
            "metadata": {"channel": CHANNEL, "user_id": stack.user_id(slot)},
        }
        resp = await http.post(url + "/webhooks/rest/webhook", json=body)
        resp.raise_for_status()
        if not any(m.get("text") for m in resp.json()):
            raise NoReply()
        return None

    return send


def nlu_sender(http: httpx.AsyncClient, urls: list[str], token: str) -> Send:
    """The floor: `POST /model/parse` on our server(s), spread like the gateway spreads chats."""

    async def send(conversation_id: str, slot: int, conversation: Conversation, index: int) -> str | None:
        url = urls[sticky_index(conversation_id, len(urls))]
        text = conversation.turns[index].text
        resp = await http.post(url + "/model/parse", json={"text": text}, params={"token": token})
        resp.raise_for_status()
        return (resp.json().get("intent") or {}).get("name")

    return send
