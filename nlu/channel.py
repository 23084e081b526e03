"""A REST input channel that answers with the NLU verdict next to the bot messages.

The stock REST channel returns only the messages; the gateway also needs the
intent, its confidence and the entities to route a draft. After Rasa has
handled the message we read the conversation's latest user message from the
tracker (the gateway keeps one message per conversation in flight, so it is the
one we just handled) and return both in one response. With our tracker store
that tracker is still in memory; with any other store it is read again.

Loading this channel also installs three fixes of Rasa's action calls, so every
server of ours gets them: the action-result validator compiled once
(`nlu.action_validation`), a kept-open connection (`nlu.action_http`) and a
domain sent without its reply templates (`nlu.action_payload`), and keeps buyer
text out of the server's log (`nlu.log_privacy`).

Every route requires `Authorization: Bearer <token>` (credentials.yml: `token:
${RASA_TOKEN}`, the token of Rasa's own API): the metadata's channel and user id
say who the buyer is, and only the gateway may say that.
"""

from __future__ import annotations

import hmac
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from nlu import action_http, action_payload, action_validation, log_privacy

log = logging.getLogger(__name__)


def _unauthorized() -> HTTPResponse:
    return response.json({"error": "unauthorized"}, status=401)


def verdict_from_parse_data(parse_data: Dict[Text, Any]) -> Dict[Text, Any]:
    """The parts of Rasa's parse data the gateway needs, JSON-safe."""
    intent = parse_data.get("intent") or {}
    return {
        "text": parse_data.get("text"),
        "intent": {
            "name": intent.get("name"),
            "confidence": float(intent.get("confidence") or 0.0),
        },
        "intent_ranking": [
            {"name": r.get("name"), "confidence": float(r.get("confidence") or 0.0)}
            for r in (parse_data.get("intent_ranking") or [])[:5]
        ],
        "entities": [
            {k: e.get(k) for k in ("entity", "value", "start", "end", "extractor")}
            for e in parse_data.get("entities") or []
        ],
    }


class InspectRestInput(RestInput):
    """`POST /webhooks/inspect/webhook` with `{sender, message, metadata}`."""

    def __init__(self, token: Optional[Text] = None) -> None:
        # No token configured: every request is refused (fail closed), and the log says why.
        self._expected = f"Bearer {token}".encode() if token else None

    @classmethod
    def name(cls) -> Text:
        return "inspect"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "InspectRestInput":
        return cls(token=str((credentials or {}).get("token") or ""))

    def authorized(self, request: Request) -> bool:
        given = (request.headers.get("authorization") or "").encode()
        return self._expected is not None and hmac.compare_digest(given, self._expected)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        action_validation.install()
        action_http.install()
        action_payload.install()
        log_privacy.install()
        if self._expected is None:
            log.error(
                "no token for the inspect channel (credentials.yml: token: ${RASA_TOKEN}): refusing all"
            )
        hook = Blueprint("inspect_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            if not self.authorized(request):
                return _unauthorized()
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorized(request):
                return _unauthorized()
            body = request.json or {}
            sender_id = body.get("sender")
            text = body.get("message")
            if not isinstance(sender_id, str) or not sender_id or not isinstance(text, str):
                return response.json({"error": "sender and message must be non-empty strings"}, status=400)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text,
                collector,
                sender_id,
                input_channel=self.name(),
                metadata=self.get_metadata(request),
            )
            try:
                await on_new_message(message)
            except CancelledError:
                log.error("message handling timed out for %s", sender_id)
                return response.json({"error": "timeout"}, status=503)
            except Exception:
                log.exception("message handling failed for %s", sender_id)
                return response.json({"error": "handling failed"}, status=500)
            verdict = await self._latest_verdict(request, sender_id)
            return response.json({"messages": collector.messages, **verdict})

        return hook

    @staticmethod
    async def _latest_verdict(request: Request, sender_id: Text) -> Dict[Text, Any]:
        store = request.app.ctx.agent.tracker_store
        inner = getattr(store, "_tracker_store", store)  # Rasa wraps every store in a FailSafeTrackerStore
        cached = getattr(inner, "cached_tracker", None)
        tracker = cached(sender_id) if cached else None
        if tracker is None:
            tracker = await store.retrieve(sender_id)
        if tracker is None:
            return verdict_from_parse_data({})
        return verdict_from_parse_data(tracker.latest_message.parse_data)

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = (request.json or {}).get("metadata")
        return metadata if isinstance(metadata, dict) else None
