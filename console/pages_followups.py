"""The agents' follow-up tasks (stale tracking, complaints, ...): claim one, close it with a note.

The rules (one open task per order and reason, one claimer, a note to close) are
desk/follow_ups.py's, shared with the Telegram desk's /followups commands.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console import audit, csrf
from console.web import console_of, flash, person_for, redirect
from desk import follow_ups
from desk.follow_ups import Outcome
from shop.policy.config import load_policy

# What the agent is told after a claim or a close (responses/console.yml `follow_ups`).
FLASHES = {
    Outcome.CLAIMED: ("follow_ups.claimed", "info"),
    Outcome.ALREADY_YOURS: ("follow_ups.claimed", "info"),
    Outcome.CLAIMED_BY_OTHER: ("follow_ups.taken", "error"),
    Outcome.CLOSED: ("follow_ups.closed", "info"),
    Outcome.NOT_OPEN: ("follow_ups.already_closed", "error"),
    Outcome.NOTE_MISSING: ("follow_ups.note_needed", "error"),
}


async def follow_ups_page(request: Request) -> Response:
    person = await person_for(request, "agent")
    con = console_of(request)
    overdue_after = timedelta(hours=load_policy().follow_ups.overdue_after_hours)
    tasks = await con.db(
        lambda s: follow_ups.open_tasks(session=s, now=con.clock(), overdue_after=overdue_after, limit=200)
    )
    return con.render(
        request, "follow_ups.html", person=person, tasks=tasks, reason_text=follow_ups.reason_text
    )


def _task_id(request: Request) -> int:
    try:
        return int(request.path_params["task_id"])
    except (KeyError, ValueError) as exc:
        raise HTTPException(404) from exc


async def _decide(request: Request, what: str, note: str | None = None) -> Response:
    person = await person_for(request, "agent")
    con = console_of(request)
    task_id = _task_id(request)

    def work(session: Session) -> Outcome:
        if what == "claim":
            result = follow_ups.claim(task_id, person.desk_id, session=session, now=con.clock())
        else:
            result = follow_ups.close(task_id, person.desk_id, note, session=session, now=con.clock())
        if result.outcome in (Outcome.CLAIMED, Outcome.CLOSED):
            detail = {"note": note} if note else None
            audit.record(
                person.username,
                f"{what}_follow_up",
                f"follow_up:{task_id}",
                detail=detail,
                session=session,
                now=con.clock(),
            )
        return result.outcome

    key, kind = FLASHES[await con.db(work)]
    flash(request, key, kind)
    return redirect("/agent/follow-ups")


async def claim(request: Request) -> Response:
    await csrf.checked_form(request)
    return await _decide(request, "claim")


async def close(request: Request) -> Response:
    form = await csrf.checked_form(request)
    return await _decide(request, "close", str(form.get("note") or ""))


ROUTES = [
    Route("/agent/follow-ups", follow_ups_page, methods=["GET"]),
    Route("/agent/follow-ups/{task_id:int}/claim", claim, methods=["POST"]),
    Route("/agent/follow-ups/{task_id:int}/close", close, methods=["POST"]),
]
