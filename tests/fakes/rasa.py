"""A fake Rasa server speaking our inspect channel (/webhooks/inspect/webhook).

The test scripts what Rasa "understood" per buyer text: intent, confidence,
reply texts and the action's draft metadata, so gateway tests need no trained
model. `down = True` makes it answer 503 (Rasa or its action server is down);
`actions_down = True` answers what nlu/server/channel.py answers when Rasa could not
reach the action server; texts in `failing` get the channel's 500 (handling the
message raised, e.g. the classifier on a text without features); texts in
`drop_once` are read and the connection closed without an answer, once (a reset
after Rasa got the message). `/model/parse` reads a text by the same script
(no turn): the gateway asks it how a message of several questions splits.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Turn:
    """What Rasa answers for one buyer text."""

    intent: str = "greet"
    confidence: float = 0.99
    replies: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    runner_up: tuple[str, float] | None = None
    delay_s: float = 0.0  # a slow model: makes per-chat ordering observable
    # The whole intent_ranking, as Rasa sends it (a fallback puts nlu_fallback first); overrides runner_up.
    ranking: list[tuple[str, float]] | None = None
    # Set: the answer waits until the test sets it (ordering without timing assumptions).
    hold: threading.Event | None = None
    # The classifier's own share on a grievance (the parse's `grievance`); None: not given.
    grievance: float | None = None
    # How much it sounds like a complaint (the parse's `tone`): a calm message unless a test says.
    tone: float | None = 0.0


def _body(turn: Turn, text: str) -> dict[str, Any]:
    meta = {"action": "action_test", "facts": {}, "rule": None, "handoff": False, "handoff_reason": None,
            "follow_up": None, **turn.meta}  # fmt: skip
    ranking = [{"name": turn.intent, "confidence": turn.confidence}]
    if turn.runner_up:
        ranking.append({"name": turn.runner_up[0], "confidence": turn.runner_up[1]})
    if turn.ranking is not None:
        ranking = [{"name": name, "confidence": conf} for name, conf in turn.ranking]
    return {
        "messages": [*({"recipient_id": "x", "text": r} for r in turn.replies), {"custom": {"draft": meta}}],
        "intent": {"name": turn.intent, "confidence": turn.confidence},
        "intent_ranking": ranking,
        "entities": [],
        "text": text,
        "grievance": turn.grievance,
        "tone": turn.tone,
    }


class FakeRasa:
    """Scripted answers by exact text; unknown texts get `default`."""

    def __init__(self) -> None:
        self.script: dict[str, Turn] = {}
        self.default = Turn(intent="nlu_fallback", confidence=0.3, replies=[])
        self.down = False
        self.broken: set[str] = set()  # texts answered with HTTP 400 (a bug, not an outage)
        self.failing: set[str] = set()  # texts answered with HTTP 500, as the channel does
        self.actions_down = False
        self.drop_once: set[str] = set()
        self.requests: list[dict[str, Any]] = []  # every request, answered or not
        self.received: list[dict[str, Any]] = []  # every request that got an answer
        self.parsed: list[str] = []  # texts read through /model/parse (no turn, not in requests)
        self.on_request: Callable[[dict[str, Any]], None] | None = None
        self._gate = threading.Event()  # cleared by hold(): every answer waits for release()
        self._gate.set()
        self.waiting = 0  # answers being held now
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeRasa:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def hold(self) -> None:
        """From now on every answer waits until `release()` (the gateway stays mid-turn)."""
        self._gate = threading.Event()

    def release(self) -> None:
        self._gate.set()

    def texts(self) -> list[str]:
        with self._lock:
            return [r["message"] for r in self.received]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(503 if fake.down else 200, {"status": "ok"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.startswith("/model/parse"):  # Rasa's API: not a turn, not in `requests`
                    return (
                        self._send(503, {"error": "down"}) if fake.down else self._parse(body.get("text", ""))
                    )
                with fake._lock:
                    fake.requests.append(body)
                if fake.down or not self.path.startswith("/webhooks/inspect/webhook"):
                    return self._send(503, {"error": "down"})
                if body.get("message") in fake.drop_once:
                    fake.drop_once.discard(body.get("message"))
                    self.close_connection = True
                    return None
                if fake.actions_down:
                    return self._send(503, {"error": "action_server_unavailable"})
                if body.get("message") in fake.failing:
                    return self._send(500, {"error": "handling failed"})
                if body.get("message") in fake.broken:
                    return self._send(400, {"error": "bad request"})
                turn = fake.script.get(body.get("message"), fake.default)
                if turn.delay_s:
                    threading.Event().wait(turn.delay_s)
                if turn.hold is not None:
                    turn.hold.wait(30)
                gate = fake._gate
                if not gate.is_set():
                    with fake._lock:
                        fake.waiting += 1
                    gate.wait(30)
                    with fake._lock:
                        fake.waiting -= 1
                with fake._lock:
                    fake.received.append(body)
                self._send(200, _body(turn, body.get("message", "")))

            def _parse(self, text: str) -> None:
                # Rasa's /model/parse: the scripted reading of the text, no turn, no reply.
                with fake._lock:
                    fake.parsed.append(text)
                verdict = _body(fake.script.get(text, fake.default), text)
                del verdict["messages"]
                self._send(200, verdict)

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
