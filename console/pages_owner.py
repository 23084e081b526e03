"""The owner's account pages: who may sign in with which role, and the audit trail.

(The owner's dashboard and threshold proposals are desk/analytics/ pages, wired separately.)
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console import accounts, audit, csrf
from console.web import console_of, flash, person_for, redirect
from shop.db.errors import InvalidInput
from shop.models.console import CONSOLE_ROLES


async def accounts_page(request: Request) -> Response:
    person = await person_for(request, "owner")
    con = console_of(request)
    rows = await con.db(lambda s: accounts.all_accounts(session=s))
    return con.render(request, "owner_accounts.html", person=person, accounts=rows, roles=CONSOLE_ROLES)


async def create_account(request: Request) -> Response:
    person = await person_for(request, "owner")
    form = await csrf.checked_form(request)
    con = console_of(request)

    def work(session: Session) -> str:
        made = accounts.create(
            str(form.get("username") or ""),
            str(form.get("password") or ""),
            str(form.get("role") or ""),
            display_name=str(form.get("display_name") or "") or None,
            created_by=person.username,
            session=session,
            now=con.clock(),
        )
        audit.record(
            person.username,
            "create_account",
            f"user:{made.username}",
            detail={"role": made.role},
            session=session,
        )
        return made.username

    try:
        name = await con.db(work)
    except InvalidInput as exc:
        flash(request, f"accounts.bad_{exc}", "error")
    else:
        flash(request, "accounts.created", username=name)
    return redirect("/owner/accounts")


async def set_active(request: Request) -> Response:
    person = await person_for(request, "owner")
    form = await csrf.checked_form(request)
    con = console_of(request)
    account_id = int(request.path_params["account_id"])
    active = form.get("active") == "1"
    if account_id == person.id and not active:
        flash(request, "accounts.not_yourself", "error")
        return redirect("/owner/accounts")

    def work(session: Session) -> bool:
        if not accounts.set_active(account_id, active, session=session):
            return False
        action = "enable_account" if active else "disable_account"
        audit.record(person.username, action, f"account:{account_id}", session=session, now=con.clock())
        return True

    if not await con.db(work):
        raise HTTPException(404)
    flash(request, "accounts.enabled" if active else "accounts.disabled")
    return redirect("/owner/accounts")


async def audit_page(request: Request) -> Response:
    person = await person_for(request, "owner")
    con = console_of(request)
    rows = await con.db(lambda s: audit.recent(session=s))
    return con.render(request, "owner_audit.html", person=person, rows=rows)


ROUTES = [
    Route("/owner/accounts", accounts_page, methods=["GET"]),
    Route("/owner/accounts", create_account, methods=["POST"]),
    Route("/owner/accounts/{account_id:int}/active", set_active, methods=["POST"]),
    Route("/owner/audit", audit_page, methods=["GET"]),
]
