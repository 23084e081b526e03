"""The agents' follow-up tasks (stale tracking, complaints, ...): claim one, close it with a note."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console import audit, csrf
from console.web import console_of, flash, person_for, redirect
from desk import store


async def follow_ups_page(request: Request) -> Response:
    person = await person_for(request, "agent")
    con = console_of(request)
    tasks = await con.db(lambda s: store.open_follow_ups(session=s, limit=200))
    return con.render(request, "follow_ups.html", person=person, tasks=tasks)


def _task_id(request: Request) -> int:
    try:
        return int(request.path_params["task_id"])
    except (KeyError, ValueError) as exc:
        raise HTTPException(404) from exc


async def claim(request: Request) -> Response:
    person = await person_for(request, "agent")
    await csrf.checked_form(request)
    con = console_of(request)
    task_id = _task_id(request)

    def work(session: Session) -> bool:
        if not store.claim_follow_up(task_id, person.desk_id, session=session, now=con.clock()):
            return False
        audit.record(
            person.username, "claim_follow_up", f"follow_up:{task_id}", session=session, now=con.clock()
        )
        return True

    flash(request, "follow_ups.claimed") if await con.db(work) else flash(
        request, "follow_ups.taken", "error"
    )
    return redirect("/agent/follow-ups")


async def close(request: Request) -> Response:
    person = await person_for(request, "agent")
    form = await csrf.checked_form(request)
    con = console_of(request)
    task_id = _task_id(request)
    note = str(form.get("note") or "").strip()
    if not note:
        flash(request, "follow_ups.note_needed", "error")
        return redirect("/agent/follow-ups")

    def work(session: Session) -> bool:
        if not store.complete_follow_up(
            task_id, done_by=person.desk_id, note=note, session=session, now=con.clock()
        ):
            return False
        audit.record(
            person.username,
            "close_follow_up",
            f"follow_up:{task_id}",
            detail={"note": note},
            session=session,
            now=con.clock(),
        )
        return True

    flash(request, "follow_ups.closed") if await con.db(work) else flash(
        request, "follow_ups.already_closed", "error"
    )
    return redirect("/agent/follow-ups")


ROUTES = [
    Route("/agent/follow-ups", follow_ups_page, methods=["GET"]),
    Route("/agent/follow-ups/{task_id:int}/claim", claim, methods=["POST"]),
    Route("/agent/follow-ups/{task_id:int}/close", close, methods=["POST"]),
]
