"""The console's ASGI app (Starlette): routes, sessions, errors. `python -m console` serves it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from console import (
    pages_agent,
    pages_auth,
    pages_dashboard,
    pages_followups,
    pages_model,
    pages_owner,
    pages_thresholds,
    pages_trainer,
)
from console.headers import SecurityHeaders
from console.settings import ConsoleSettings, session_key
from console.web import Console, SignInNeeded, console_of, redirect, sign_in_url, utc_now
from shop.db.errors import ShopUnavailable
from trainer.settings import Project, database_url, load_project

STATIC = Path(__file__).parent / "static"


async def _sign_in_needed(request: Request, exc: Exception) -> Response:
    return redirect(sign_in_url(request))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    con = console_of(request)
    return con.render(request, "error.html", status=exc.status_code, code=exc.status_code, detail=exc.detail)


async def _unavailable(request: Request, exc: Exception) -> Response:
    return console_of(request).render(request, "error.html", status=503, code=503, detail="database")


def build_app(
    settings: ConsoleSettings,
    *,
    engine: Engine | None = None,
    project: Project | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Starlette:
    """The console app; the caller runs it (uvicorn in `python -m console`, a thread in the tests)."""
    from shop.db.engine import make_engine

    project = project or load_project()
    url = settings.database_url or database_url(project)
    console = Console(
        settings=settings,
        engine=engine or make_engine(url),
        project=project,
        database_url=url,
        clock=clock or utc_now,
    )
    app = Starlette(
        routes=[
            *pages_auth.ROUTES,
            *pages_agent.ROUTES,
            *pages_followups.ROUTES,
            *pages_trainer.ROUTES,
            *pages_model.ROUTES,
            *pages_owner.ROUTES,
            *pages_dashboard.ROUTES,
            *pages_thresholds.ROUTES,
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=session_key(settings),
                session_cookie="console_session",
                max_age=settings.session_hours * 3600,
                same_site="lax",  # POSTs need the CSRF token anyway; lax keeps links from chat apps signed in
                https_only=settings.cookie_secure,
            ),
        ],
        exception_handlers={
            SignInNeeded: _sign_in_needed,
            HTTPException: _http_error,
            ShopUnavailable: _unavailable,
        },
    )
    app.state.console = console
    return app
