"""Sign in, sign out, and the home page that sends each role to its own pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console import accounts, audit, csrf
from console.web import SESSION_USER, console_of, flash, home_for, redirect, signed_in


def _safe_next(raw: str | None) -> str | None:
    # Only a path on this site: never an open redirect to another host.
    if raw and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return None


async def home(request: Request) -> Response:
    return redirect(home_for(await signed_in(request)))


async def signin_page(request: Request) -> Response:
    return console_of(request).render(
        request, "signin.html", next=_safe_next(request.query_params.get("next"))
    )


async def signin(request: Request) -> Response:
    form = await csrf.checked_form(request)
    con = console_of(request)
    address = request.client.host if request.client else "-"
    settings = con.settings
    result = await con.db(
        lambda s: accounts.sign_in(
            str(form.get("username") or ""),
            str(form.get("password") or ""),
            address=address,
            failures=settings.signin_failures,
            address_failures=settings.signin_address_failures,
            window_s=settings.signin_window_s,
            session=s,
            now=con.clock(),
        )
    )
    if result.person is None:
        flash(request, "signin.throttled" if result.throttled else "signin.failed", "error")
        return con.render(
            request, "signin.html", status=429 if result.throttled else 401, next=form.get("next")
        )
    # A fresh session on sign-in (new CSRF token too): nothing from before survives.
    request.session.clear()
    request.session[SESSION_USER] = result.person.id
    return redirect(_safe_next(str(form.get("next") or "")) or home_for(result.person))


async def signout(request: Request) -> Response:
    await csrf.checked_form(request)
    uid = request.session.get(SESSION_USER)
    if isinstance(uid, int):
        con = console_of(request)

        def work(session):  # type: ignore[no-untyped-def]
            person = accounts.get(uid, session=session)
            if person is not None:
                audit.record(
                    person.username, "signout", f"user:{person.username}", session=session, now=con.clock()
                )

        await con.db(work)
    request.session.clear()
    flash(request, "signin.signed_out")
    return redirect("/signin")


ROUTES = [
    Route("/", home),
    Route("/signin", signin_page, methods=["GET"]),
    Route("/signin", signin, methods=["POST"]),
    Route("/signout", signout, methods=["POST"]),
]
