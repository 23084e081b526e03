"""A REST input channel that answers with the NLU verdict next to the bot messages.

The stock REST channel returns only the messages; the gateway also needs the
intent, its confidence and the entities to route a draft. After Rasa has
handled the message we read the conversation's latest user message from the
tracker (the gateway keeps one message per conversation in flight, so it is the
one we just handled) and return both in one response. With our tracker store
that tracker is still in memory; with any other store it is read again.

Loading this channel also installs three fixes of Rasa's action calls, so every
server of ours gets them: the action-result validator compiled once
(`nlu.server.action_validation`), a kept-open connection (`nlu.server.action_http`) and a
domain sent without its reply templates (`nlu.server.action_payload`), and keeps buyer
text out of the server's log (`nlu.server.log_privacy`).

Every route requires `Authorization: Bearer <token>` (credentials.yml: `token:
${RASA_TOKEN}`, the token of Rasa's own API): the metadata's channel and user id
say who the buyer is, and only the gateway may say that.

What Rasa gets is also made safe here, whoever sent it: a text starting with
"/" never reaches Rasa as a command (its `/intent{json}` and `/restart`), a
message id already handled for the sender is answered from the first time
(`nlu.server.answered`), and an unreachable action server is answered 503 like an
outage (`nlu.server.action_outage`), not 200 without a reply.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from nlu.server import action_http, action_outage, action_payload, action_validation, log_privacy
from nlu.server.answered import Answer, AnsweredMessages, messages_from_tracker

log = logging.getLogger(__name__)

COMMAND_PREFIX = "/"
# The full-width solidus: the same look to the model, no command to Rasa.
SAFE_PREFIX = "\uff0f"
MAX_MESSAGE_ID = 128


def neutralise_command(text: Text) -> Text:
    """`text` with a leading "/" (after the whitespace Rasa strips) made plain text.

    Rasa's RegexMessageHandler reads "/intent{json}@confidence" from any user
    text: confidence 1.0, entities unchecked, "/restart" wipes the conversation.
    Nothing of ours sends commands through this channel (the gateway does the
    same to buyer text; a deliberate intent goes through Rasa's own API).
    """
    stripped = text.lstrip()
    if not stripped.startswith(COMMAND_PREFIX):
        return text
    return text[: len(text) - len(stripped)] + SAFE_PREFIX + stripped[len(COMMAND_PREFIX) :]


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
        # The classifier's own share on a grievance (config.yml `grievance_intents`), if any.
        "grievance": None if parse_data.get("grievance") is None else float(parse_data["grievance"]),
        # How much it sounds like a complaint (config.yml `complaint_tone`), if the model says.
        "tone": None if parse_data.get("tone") is None else float(parse_data["tone"]),
    }


def _answer_of(task: "asyncio.Task[Answer]") -> Answer:
    if task.cancelled():
        return 503, {"error": "timeout"}
    if task.exception() is not None:
        log.error("message handling failed", exc_info=task.exception())
        return 500, {"error": "handling failed"}
    return task.result()


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
        action_outage.install()
        log_privacy.install()
        answered = AnsweredMessages()
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
            message_id = body.get("message_id")
            if message_id is None:
                status, answer = await self._handle(request, on_new_message, sender_id, text, None)
                return response.json(answer, status=status)
            if not isinstance(message_id, str) or not 0 < len(message_id) <= MAX_MESSAGE_ID:
                return response.json({"error": "message_id must be a short non-empty string"}, status=400)
            future, first = answered.claim(sender_id, message_id)
            if first:
                # Its own task: a client that hangs up (Sanic then cancels this handler)
                # does not stop the turn half-way, and its retry gets the answer.
                work = self._handle(request, on_new_message, sender_id, text, message_id)
                task = asyncio.ensure_future(work)
                task.add_done_callback(
                    lambda t: answered.finish(sender_id, message_id, future, _answer_of(t))
                )
            else:
                log.info("message %s of %s was handled already: answering again", message_id, sender_id)
            status, answer = await asyncio.shield(future)
            return response.json(answer, status=status)

        return hook

    async def _handle(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[None]],
        sender_id: Text,
        text: Text,
        message_id: Optional[Text],
    ) -> Answer:
        is_ready = getattr(request.app.ctx.agent, "is_ready", None)
        if is_ready is not None and not is_ready():
            # Rasa would ignore the message and we would answer with the previous verdict.
            return 503, {"error": "model_not_loaded"}
        if message_id is not None:
            tracker = await self._tracker(request, sender_id)
            handled = messages_from_tracker(tracker, message_id) if tracker is not None else None
            if handled is not None:  # handled before this process started (or by another one)
                parse_data, messages = handled
                return 200, {"messages": messages, **verdict_from_parse_data(parse_data)}
        collector = CollectingOutputChannel()
        message = UserMessage(
            neutralise_command(text),
            collector,
            sender_id,
            input_channel=self.name(),
            message_id=message_id,
            metadata=self.get_metadata(request),
        )
        unreached = action_outage.watch()
        try:
            await on_new_message(message)
        except CancelledError:
            log.error("message handling timed out for %s", sender_id)
            return 503, {"error": "timeout"}
        except Exception:
            log.exception("message handling failed for %s", sender_id)
            return 500, {"error": "handling failed"}
        if unreached:
            # Rasa logged the message but its action never ran: the gateway retries it.
            log.error("no action server for %s (%s)", sender_id, ", ".join(unreached))
            return 503, {"error": "action_server_unavailable", "actions": unreached}
        tracker = await self._tracker(request, sender_id)
        parse_data = tracker.latest_message.parse_data if tracker is not None else {}
        return 200, {"messages": collector.messages, **verdict_from_parse_data(parse_data)}

    @staticmethod
    async def _tracker(request: Request, sender_id: Text) -> Optional[DialogueStateTracker]:
        store = request.app.ctx.agent.tracker_store
        inner = getattr(store, "_tracker_store", store)  # Rasa wraps every store in a FailSafeTrackerStore
        cached = getattr(inner, "cached_tracker", None)
        tracker = cached(sender_id) if cached else None
        if tracker is None:
            tracker = await store.retrieve(sender_id)
        return tracker

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = (request.json or {}).get("metadata")
        return metadata if isinstance(metadata, dict) else None
