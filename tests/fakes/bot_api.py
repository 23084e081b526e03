"""A Telegram Bot API stand-in on localhost, for the real python-telegram-bot client.

Point ptb at it with ``ApplicationBuilder().base_url(f"{api.url}/bot")``. It
serves ``getUpdates`` with real ``offset`` + long-poll semantics from a queue
the test fills (buyer messages, button presses, agent replies), records every
call, answers the calls a gateway makes, and FAILS (HTTP 400 + ``unexpected``)
on any method it does not know, so a test sees calls it did not plan for.
Like Telegram, it keeps the webhook ``setWebhook`` registered (``webhook``)
until ``deleteWebhook``, and refuses ``getUpdates`` meanwhile (409, unexpected).

Details that bite (shared/notes/rasa-runtime-facts.md): ptb posts form-encoded
or JSON bodies with non-string values JSON-encoded, sends ``chat_id`` as a
string, and cancels the long poll on stop (the broken pipe is ignored).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 777000
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "ShopBot", "username": "shop_test_bot"}
MAX_TEXT = 4096
SENDS = ("sendMessage", "sendPhoto", "sendVoice", "sendSticker", "sendDocument")
KNOWN = {
    "getMe", "getUpdates", "deleteWebhook", "setWebhook", "getWebhookInfo", "close", "logOut",
    "answerCallbackQuery", "editMessageText", "editMessageReplyMarkup", "setMyCommands", *SENDS,
}  # fmt: skip


@dataclass
class Call:
    """One request the client made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return None if value is None else int(value)

    @property
    def text(self) -> str | None:
        return self.params.get("text")


def _decode(value: str) -> Any:
    # Non-string values arrive JSON-encoded (reply_markup, numbers as strings).
    try:
        return json.loads(value)
    except (ValueError, TypeError):
        return value


class FakeBotApi:
    """The server plus the test's controls: enqueue updates, inject errors, read calls."""

    def __init__(self, token: str = "123:TEST", poll_cap_s: float = 0.1) -> None:
        self.token = token
        self.poll_cap_s = poll_cap_s  # long polls end sooner than asked, so stop() is quick
        self.calls: list[Call] = []
        self.unexpected: list[str] = []
        self._updates: list[dict[str, Any]] = []
        self._confirmed = 0  # highest update id the client confirmed via offset
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(5000)
        self._faults: list[tuple[str, int | None, int, str, dict | None]] = []
        self.blocked_chats: set[int] = set()
        self.webhook: dict[str, Any] | None = None  # setWebhook's parameters, until deleteWebhook
        # Every getUpdates answered: (the offset asked for, the update ids handed out).
        self.polls: list[tuple[int, list[int]]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    # --- lifecycle ----------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- scripting updates -----------------------------------------------------------

    def push(self, update: dict[str, Any], *, update_id: int | None = None) -> int:
        """Queue an update (an explicit update_id re-sends one: a redelivery)."""
        with self._cond:
            uid = update_id if update_id is not None else next(self._ids)
            self._updates.append({"update_id": uid, **update})
            self._cond.notify_all()
            return uid

    def push_many(self, updates: list[dict[str, Any]]) -> list[int]:
        """Queue several updates so one getUpdates returns them together."""
        with self._cond:
            ids = []
            for update in updates:
                uid = next(self._ids)
                self._updates.append({"update_id": uid, **update})
                ids.append(uid)
            self._cond.notify_all()
            return ids

    def redeliver(self, update_id: int) -> None:
        """Telegram sends an update again (e.g. the offset was never confirmed)."""
        with self._cond:
            # Unconfirm it: a client asking without an offset (a fresh start) gets it again.
            self._confirmed = min(self._confirmed, update_id - 1)
            self._cond.notify_all()

    def times_handed_out(self, update_id: int) -> int:
        """How many getUpdates answers carried this update (more than one: it was not confirmed)."""
        with self._cond:
            return sum(update_id in ids for _, ids in self.polls)

    def pending_updates(self) -> int:
        with self._cond:
            return sum(1 for u in self._updates if u["update_id"] > self._confirmed)

    # --- faults --------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        code: int = 429,
        description: str = "",
        parameters: dict | None = None,
    ) -> None:
        """The next `method` call (to `chat_id`, if given) gets this Bot API error."""
        with self._cond:
            self._faults.append((method, chat_id, code, description, parameters))

    # --- reading what happened ---------------------------------------------------------

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == chat_id)]

    def texts_to(self, chat_id: int) -> list[str]:
        """Texts successfully sent to a chat, in order."""
        with self._cond:
            return [
                c.text or ""
                for c in self.calls
                if c.method == "sendMessage" and c.chat_id == chat_id and c.params.get("_ok")
            ]

    def message(self, message_id: int) -> Call | None:
        with self._cond:
            for c in self.calls:
                if c.params.get("_message_id") == message_id:
                    return c
        return None

    # --- the HTTP side ---------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._handle({})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    params = json.loads(raw or "{}")
                elif "multipart" in ctype:
                    api.unexpected.append(f"multipart upload to {self.path}")
                    params = {}
                else:
                    params = {k: _decode(v) for k, v in parse_qsl(raw, keep_blank_values=True)}
                self._handle(params)

            def _handle(self, params: dict[str, Any]) -> None:
                prefix = f"/bot{api.token}/"
                if not self.path.startswith(prefix):
                    api.unexpected.append(f"bad path {self.path}")
                    return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                method = self.path[len(prefix) :].split("?")[0]
                status, body = api._dispatch(method, params)
                self._reply(status, body)

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # ptb cancels the long poll on stop

        return Handler

    def _fault(self, method: str, params: dict[str, Any]) -> tuple[int, dict] | None:
        with self._cond:
            for i, (m, chat, code, description, parameters) in enumerate(self._faults):
                if m == method and (chat is None or str(chat) == str(params.get("chat_id"))):
                    del self._faults[i]
                    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
                    if parameters:
                        body["parameters"] = parameters
                    return code, body
        return None

    def _dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            if self.webhook is not None:
                self.unexpected.append("getUpdates while a webhook is set")
                return 409, {
                    "ok": False,
                    "error_code": 409,
                    "description": "Conflict: can't use getUpdates method while webhook is active",
                }
            return 200, {"ok": True, "result": self._get_updates(params)}
        call = Call(method, params)
        with self._cond:
            self.calls.append(call)
        if method not in KNOWN:
            self.unexpected.append(method)
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": f"Bad Request: unexpected method {method}",
            }
        fault = self._fault(method, params)
        if fault is not None:
            return fault
        if (
            method in SENDS
            and params.get("chat_id") is not None
            and int(params["chat_id"]) in self.blocked_chats
        ):
            return 403, {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            }
        if method == "sendMessage" and len((params.get("text") or "").encode("utf-16-le")) // 2 > MAX_TEXT:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method in ("setWebhook", "deleteWebhook"):
            with self._cond:
                self.webhook = dict(params) if method == "setWebhook" else None
        if method in SENDS:
            return 200, {"ok": True, "result": self._sent(call)}
        if method in ("editMessageText", "editMessageReplyMarkup"):
            call.params["_ok"] = True
            return 200, {"ok": True, "result": self._message(call, int(params.get("message_id", 0)))}
        return 200, {"ok": True, "result": True}

    def _message(self, call: Call, message_id: int) -> dict[str, Any]:
        chat_id = int(call.params.get("chat_id", 0))
        chat = {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"}
        if chat_id < 0:
            chat["title"] = "Desk"
        else:
            chat["first_name"] = "Buyer"
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
        }
        if call.params.get("text") is not None:
            message["text"] = call.params["text"]
        if call.params.get("reply_markup"):
            message["reply_markup"] = call.params["reply_markup"]
        return message

    def _sent(self, call: Call) -> dict[str, Any]:
        message_id = next(self._message_ids)
        call.params["_ok"] = True
        call.params["_message_id"] = message_id
        return self._message(call, message_id)

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)  # Telegram's default and maximum
        timeout = min(float(params.get("timeout") or 0), self.poll_cap_s)
        deadline = time.monotonic() + timeout
        with self._cond:
            if offset:
                # Asking from `offset` confirms every update before it (Telegram's rule).
                self._confirmed = max(self._confirmed, offset - 1)
            while True:
                ready = self._ready(offset)[:limit]
                if ready or time.monotonic() >= deadline:
                    self.polls.append((offset, [u["update_id"] for u in ready]))
                    return ready
                self._cond.wait(max(0.0, deadline - time.monotonic()))

    def _ready(self, offset: int) -> list[dict[str, Any]]:
        return [u for u in self._updates if u["update_id"] > self._confirmed and u["update_id"] >= offset]
