"""The agents' pages: the live queue, a conversation with its draft, and what an agent does to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from console import csrf, desk_data, desk_work
from console.desk_work import Outcome
from console.web import Console, console_of, flash, flash_lines, person_for, redirect
from desk import agent_actions
from desk.intents import INTENTS

HEARTBEAT_S = 15.0


def _queue_items(con: Console) -> Callable[[Session], list[desk_data.QueueItem]]:
    # The shop's one response-time rule (routing.yml `response_minutes`), as the owner's numbers use it.
    response_seconds = round(con.routing().response_minutes * 60)
    return lambda s: desk_data.queue(session=s, now=con.clock(), response_seconds=response_seconds)


async def queue_page(request: Request) -> Response:
    person = await person_for(request, "agent")
    con = console_of(request)
    items = await con.db(_queue_items(con))
    return con.render(request, "queue.html", person=person, items=items)


async def queue_rows(request: Request) -> Response:
    await person_for(request, "agent")
    con = console_of(request)
    items = await con.db(_queue_items(con))
    return HTMLResponse(con.jinja.get_template("_queue_rows.html").render(items=items))


async def queue_events(request: Request) -> Response:
    """Server-sent events: the queue's rows again whenever a draft arrives, leaves or turns overdue."""
    await person_for(request, "agent")
    con = console_of(request)
    rows = con.jinja.get_template("_queue_rows.html")

    async def stream() -> AsyncIterator[str]:
        last: tuple | None = None
        quiet = 0.0
        while not await request.is_disconnected():
            items = await con.db(_queue_items(con))
            key = tuple(i.key for i in items)
            if key != last:
                last = key
                quiet = 0.0
                html = rows.render(items=items)
                yield "event: queue\n" + "".join(f"data: {line}\n" for line in html.splitlines()) + "\n"
            elif quiet >= HEARTBEAT_S:
                quiet = 0.0
                yield ": still here\n\n"  # a comment: finds a closed connection
            await asyncio.sleep(con.settings.queue_poll_s)
            quiet += con.settings.queue_poll_s

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _draft_id(request: Request) -> int:
    try:
        return int(request.path_params["draft_id"])
    except (KeyError, ValueError) as exc:
        raise HTTPException(404) from exc


async def draft_page(request: Request) -> Response:
    person = await person_for(request, "agent")
    con = console_of(request)
    draft_id = _draft_id(request)

    def page(session: Session) -> Response:
        view = desk_data.conversation(draft_id, session=session)
        if view is None:
            raise HTTPException(404)
        return con.render(request, "draft.html", person=person, view=view, intents=INTENTS)

    return await con.db(page)


def _report(request: Request, outcome: Outcome, done_key: str) -> None:
    if outcome.ok:
        flash(request, done_key)
    elif outcome.reasons:
        flash(request, "desk.policy_blocked", "error")
        flash_lines(request, outcome.reasons)
    else:
        flash(request, f"desk.{outcome.problem}", "error")


async def _act(request: Request, area: str, done_key: str, work: Callable[..., Outcome]) -> Response:
    person = await person_for(request, area)
    form = await csrf.checked_form(request)
    con = console_of(request)
    draft_id = _draft_id(request)
    try:
        outcome = await con.db(lambda s: work(person, draft_id, form, s, con))
    except agent_actions.NotFiled:
        # The transaction rolled back: the draft is still open, nothing was queued.
        outcome = Outcome(False, "return_not_filed")
    _report(request, outcome, done_key)
    return redirect(f"/agent/draft/{draft_id}")


async def send(request: Request) -> Response:
    return await _act(
        request,
        "agent",
        "desk.sent",
        lambda p, d, f, s, c: desk_work.send_as_is(p, d, session=s, now=c.clock()),
    )


async def edit(request: Request) -> Response:
    return await _act(
        request,
        "agent",
        "desk.sent",
        lambda p, d, f, s, c: desk_work.send_edited(
            p, d, str(f.get("text") or ""), shop_wide=c.shop_wide, session=s, now=c.clock()
        ),
    )


async def override(request: Request) -> Response:
    return await _act(
        request,
        "supervisor",
        "desk.sent",
        lambda p, d, f, s, c: desk_work.override(p, d, session=s, now=c.clock()),
    )


async def reject(request: Request) -> Response:
    return await _act(
        request,
        "agent",
        "desk.rejected",
        lambda p, d, f, s, c: desk_work.reject(p, d, session=s, now=c.clock()),
    )


async def teach(request: Request) -> Response:
    return await _act(
        request,
        "agent",
        "desk.taught",
        lambda p, d, f, s, c: desk_work.teach(p, d, str(f.get("intent") or ""), session=s, now=c.clock()),
    )


async def take_over(request: Request) -> Response:
    return await _act(
        request,
        "agent",
        "desk.taken_over",
        lambda p, d, f, s, c: desk_work.set_mode(p, d, "human", session=s, now=c.clock()),
    )


async def release(request: Request) -> Response:
    return await _act(
        request,
        "agent",
        "desk.released",
        lambda p, d, f, s, c: desk_work.set_mode(p, d, "bot", session=s, now=c.clock()),
    )


async def check(request: Request) -> Response:
    """The policy check of the text being typed (the page calls it as the agent types)."""
    await person_for(request, "agent")
    form = await csrf.checked_form(request)
    con = console_of(request)
    draft_id = _draft_id(request)
    text = str(form.get("text") or "")
    reasons = await con.db(
        lambda s: (
            agent_actions.policy_reasons(draft_id, text, shop_wide=con.shop_wide, session=s)
            if text.strip()
            else []
        )
    )
    return JSONResponse({"ok": not reasons, "reasons": reasons})


ROUTES = [
    Route("/agent", queue_page, methods=["GET"]),
    Route("/agent/queue", queue_rows, methods=["GET"]),
    Route("/agent/events", queue_events, methods=["GET"]),
    Route("/agent/draft/{draft_id:int}", draft_page, methods=["GET"]),
    Route("/agent/draft/{draft_id:int}/send", send, methods=["POST"]),
    Route("/agent/draft/{draft_id:int}/edit", edit, methods=["POST"]),
    Route("/agent/draft/{draft_id:int}/check", check, methods=["POST"]),
    Route("/agent/draft/{draft_id:int}/reject", reject, methods=["POST"]),
    Route("/agent/draft/{draft_id:int}/teach", teach, methods=["POST"]),
    Route("/agent/draft/{draft_id:int}/take", take_over, methods=["POST"]),
    Route("/agent/draft/{draft_id:int}/release", release, methods=["POST"]),
    Route("/agent/draft/{draft_id:int}/override", override, methods=["POST"]),
]
