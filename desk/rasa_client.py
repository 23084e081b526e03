"""Talks to the Rasa server(s) through our inspect channel.

With several Rasa servers a conversation always goes to the same one: two
servers handling one conversation at once lose messages
(shared/notes/rasa-runtime-facts.md).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from stack.rasa_api import api_params, bearer, withhold_token_in_http_logs
from stack.settings import Settings
from stack.upstream import Upstream, UpstreamFollower

WEBHOOK = "/webhooks/inspect/webhook"
PARSE = "/model/parse"  # Rasa's own API (`--enable-api`), guarded by `?token=`
# Every chat in flight keeps its connection open between messages (httpx keeps
# only 20 by default: more chats at once meant a new TCP connection per
# message), and lets it go after 2 s idle, far inside the 120 s keep-alive
# `rasa run` gives Sanic, so the server never closes one under a request.
CONNECTIONS = httpx.Limits(max_connections=256, max_keepalive_connections=256, keepalive_expiry=2.0)


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) could not handle the message now."""


class RasaMessageFailed(Exception):
    """Rasa is up but failed on this message (HTTP 500): trying it again may not help."""


@dataclass
class RasaTurn:
    """What Rasa made of one buyer message."""

    text: str
    intent: str
    confidence: float
    intent_ranking: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    # The model's own share on a complaint, return or request for a person (None: not given).
    grievance: float | None = None
    # How much it sounds like a complaint, whatever its topic (None: not given).
    tone: float | None = None


def _turn(text: str, data: dict[str, Any]) -> RasaTurn:
    intent = data.get("intent") or {}
    return RasaTurn(
        text=text,
        intent=intent.get("name") or "nlu_fallback",
        confidence=float(intent.get("confidence") or 0.0),
        intent_ranking=data.get("intent_ranking") or [],
        entities=data.get("entities") or [],
        messages=data.get("messages") or [],
        grievance=_number_or_none(data.get("grievance")),
        tone=_number_or_none(data.get("tone")),
    )


def _number_or_none(value: Any) -> float | None:
    """A number Rasa sent, or None for anything else (absent, null, text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def sticky_index(conversation_id: str, count: int) -> int:
    """A stable server index per conversation (crc32: same in every process)."""
    return zlib.crc32(conversation_id.encode("utf-8")) % count


class RasaClient:
    """An async client over one or more Rasa servers, sticky per conversation."""

    def __init__(
        self,
        urls: tuple[str, ...] | list[str],
        *,
        timeout_s: float = 30.0,
        upstream_file: Path | None = None,
        token: str | None = None,
    ) -> None:
        """`upstream_file` (var/run/upstream.json): follow promotions; `urls` until it exists.

        `token` (RASA_TOKEN): what our channel requires; the upstream file may name another.
        """
        if not urls:
            raise ValueError("at least one Rasa URL is needed")
        self._static = Upstream([u.rstrip("/") for u in urls], token)
        self._upstream = UpstreamFollower(upstream_file, self._static.urls, token) if upstream_file else None
        self._http = httpx.AsyncClient(timeout=timeout_s, trust_env=False, limits=CONNECTIONS)

    def _current(self) -> Upstream:
        return self._upstream.current() if self._upstream else self._static

    @property
    def urls(self) -> list[str]:
        return self._current().urls

    def url_for(self, conversation_id: str) -> str:
        urls = self.urls
        return urls[sticky_index(conversation_id, len(urls))]

    @classmethod
    def from_settings(cls, settings: Settings) -> RasaClient:
        """A front end's client: RASA_URL's servers until a promotion switches var/run/upstream.json
        (trainer/bluegreen.py stops the old servers; a front end that did not follow would lose Rasa)."""
        return cls(
            settings.rasa_urls,
            timeout_s=settings.rasa_timeout_s,
            upstream_file=settings.run_dir / "upstream.json",
            token=settings.rasa_token,
        )

    async def send(
        self, conversation_id: str, text: str, metadata: dict[str, Any], *, message_id: str | None = None
    ) -> RasaTurn:
        """`message_id`: stable per stored message, so a retry is answered, not handled twice."""
        upstream = self._current()
        url = upstream.urls[sticky_index(conversation_id, len(upstream.urls))] + WEBHOOK
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        if message_id is not None:
            body["message_id"] = message_id
        try:
            resp = await self._http.post(url, json=body, headers=bearer(upstream.token))
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"{type(exc).__name__} at {url}") from exc
        if resp.status_code == 500:
            # Our channel answers 500 when handling this message raised; an outage
            # (Rasa starting, the action server down, a proxy) is 502/503/504.
            raise RasaMessageFailed(f"HTTP 500 at {url}: {resp.text[:200]}")
        if resp.status_code > 500:
            raise RasaUnavailable(f"HTTP {resp.status_code} at {url}: {resp.text[:200]}")
        if resp.status_code in (401, 403):
            # Kept and retried like an outage: a restart with the right RASA_TOKEN delivers it.
            raise RasaUnavailable(f"HTTP {resp.status_code} at {url}: Rasa refused our token (RASA_TOKEN)")
        resp.raise_for_status()
        return _turn(text, resp.json())

    async def parse(self, conversation_id: str, text: str) -> RasaTurn:
        """The model's reading of `text` alone (Rasa's `/model/parse`): no action, no tracker event.

        Used to decide how a message splits into questions before any of it is answered.
        Same server as the conversation's turns, so the same model reads both.
        """
        upstream = self._current()
        url = upstream.urls[sticky_index(conversation_id, len(upstream.urls))] + PARSE
        withhold_token_in_http_logs()
        try:
            resp = await self._http.post(url, json={"text": text}, params=api_params(upstream.token))
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"{type(exc).__name__} at {url}") from exc
        if resp.status_code == 500:
            raise RasaMessageFailed(f"HTTP 500 at {url}: {resp.text[:200]}")
        if resp.status_code > 500 or resp.status_code in (401, 403):
            raise RasaUnavailable(f"HTTP {resp.status_code} at {url}")
        resp.raise_for_status()
        return _turn(text, resp.json())

    async def healthy(self, url: str | None = None) -> bool:
        """True when the server answers on our channel (its model is loaded)."""
        upstream = self._current()
        try:
            resp = await self._http.get(
                (url or upstream.urls[0]) + "/webhooks/inspect/", timeout=3, headers=bearer(upstream.token)
            )
        except httpx.HTTPError:
            return False
        return resp.status_code == 200

    async def aclose(self) -> None:
        await self._http.aclose()
