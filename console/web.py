"""What every console page shares: the database, templates, who is signed in, flash messages.

Database work runs in a worker thread, one transaction per call, and renders
its page inside that transaction (the rows' relationships are still loadable).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from cachetools import TTLCache
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from console import accounts, csrf, texts
from console.accounts import Person
from console.jobs import Jobs
from console.settings import ConsoleSettings
from desk.routing import RoutingConfig, load_routing
from shop.db.engine import in_transaction
from shop.store.policy_context import ShopWideCache
from trainer.settings import Project

T = TypeVar("T")
TEMPLATES = Path(__file__).parent / "templates"
SESSION_USER = "uid"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class SignInNeeded(Exception):
    """No one is signed in (or the account was deactivated): go to the sign-in page."""


@dataclass
class Console:
    """The console's dependencies (one per app, in app.state.console)."""

    settings: ConsoleSettings
    engine: Engine
    project: Project
    database_url: str
    clock: Callable[[], datetime] = utc_now
    shop_wide: ShopWideCache = field(default_factory=ShopWideCache)
    jobs: Jobs = field(default_factory=Jobs)  # the trainers' train / evaluate, one at a time
    _routing: tuple[int, RoutingConfig] | None = field(default=None, repr=False)
    # The owner's dashboard views, kept while the browser fetches each view's chart images
    # (console/pages_dashboard.py): the pictures draw the page's numbers, never compute them again.
    # Only the event loop touches it (handlers, not their worker threads): no lock needed.
    dashboard_views: TTLCache = field(default_factory=lambda: TTLCache(maxsize=16, ttl=120), repr=False)
    # Likewise the thresholds page's proposals, drawn by one confidence-band picture per intent.
    threshold_views: TTLCache = field(default_factory=lambda: TTLCache(maxsize=16, ttl=120), repr=False)
    jinja: Environment = field(
        default_factory=lambda: Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True)
        )
    )

    def routing(self) -> RoutingConfig:
        """The shop's routing file, read again whenever it changed (the owner applies thresholds to it)."""
        changed = self.settings.routing_file.stat().st_mtime_ns
        if self._routing is None or self._routing[0] != changed:
            self._routing = (changed, load_routing(self.settings.routing_file))
        return self._routing[1]

    def transaction(self, work: Callable[..., T], *args: Any) -> T:
        return in_transaction(self.engine, work, *args)

    async def db(self, work: Callable[..., T], *args: Any) -> T:
        """`work(session, *args)` in a thread, in one committed transaction."""
        return await run_in_threadpool(self.transaction, work, *args)

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        template = self.jinja.get_template(name)
        html = template.render(
            csrf_token=csrf.token(request),
            flashes=request.session.pop("flash", []),
            path=request.url.path,
            **context,
        )
        return HTMLResponse(html, status_code=status)


def console_of(request: Request) -> Console:
    return request.app.state.console


def flash(request: Request, key: str, kind: str = "info", **fields: Any) -> None:
    """A message shown once on the next page (texts from responses/console.yml)."""
    request.session.setdefault("flash", []).append({"kind": kind, "text": texts.text(key, **fields)})


def flash_lines(request: Request, lines: list[str], kind: str = "error") -> None:
    for line in lines:
        request.session.setdefault("flash", []).append({"kind": kind, "text": line})


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def signed_in(request: Request) -> Person:
    """Who is signed in; SignInNeeded otherwise."""
    uid = request.session.get(SESSION_USER)
    if not isinstance(uid, int):
        raise SignInNeeded
    person = await console_of(request).db(lambda s: accounts.get(uid, session=s))
    if person is None:
        request.session.pop(SESSION_USER, None)
        raise SignInNeeded
    return person


async def person_for(request: Request, area: str) -> Person:
    """The signed-in person, if their role may open `area` (else 403)."""
    person = await signed_in(request)
    if not person.may(area):
        raise HTTPException(403, "role")
    return person


def sign_in_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/signin?next={quote(target, safe='')}" if request.method == "GET" else "/signin"


def home_for(person: Person) -> str:
    return {"agent": "/agent", "supervisor": "/agent", "trainer": "/trainer", "owner": "/owner/accounts"}[
        person.role
    ]
