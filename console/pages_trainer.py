"""The trainers' pages: the inbox (label with an intent picker showing examples, dismiss) and add a phrasing.

Labelling and adding reuse trainer/ (`trainer.labelling`): the same refusals as
`./trainer.sh label` and `./trainer.sh add` (unknown intent, duplicates, held-out
phrasings, copies of real buyers' messages), the same journal.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console import audit, csrf
from console.web import console_of, flash, flash_lines, person_for, redirect
from desk import inbox
from desk.intents import INTENTS
from trainer import labelling
from trainer.nludata import Refused, load_all

EXAMPLES_SHOWN = 3


@lru_cache(maxsize=4)
def _examples(nlu_dir: Path, stamp: float) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for example in load_all(sorted(nlu_dir.glob("*.yml"))):
        if len(found[example.intent]) < EXAMPLES_SHOWN:
            found[example.intent].append(example.text)
    return dict(found)


def intent_examples(nlu_dir: Path) -> dict[str, list[str]]:
    """A few training phrasings of each intent (read again when data/nlu changes)."""
    stamp = max((p.stat().st_mtime for p in nlu_dir.glob("*.yml")), default=0.0)
    return _examples(nlu_dir, stamp)


async def inbox_page(request: Request) -> Response:
    person = await person_for(request, "trainer")
    con = console_of(request)
    items = await con.db(lambda s: inbox.list_items(session=s, status="new", limit=200))
    examples = await run_in_threadpool(intent_examples, con.project.nlu_dir)
    return con.render(
        request, "trainer_inbox.html", person=person, items=items, intents=INTENTS, examples=examples
    )


def _item_id(request: Request) -> int:
    try:
        return int(request.path_params["item_id"])
    except (KeyError, ValueError) as exc:
        raise HTTPException(404) from exc


def _record(con, who: str, action: str, target: str, detail: dict) -> None:  # type: ignore[no-untyped-def]
    con.transaction(lambda s: audit.record(who, action, target, detail=detail, session=s, now=con.clock()))


async def label(request: Request) -> Response:
    person = await person_for(request, "trainer")
    form = await csrf.checked_form(request)
    con = console_of(request)
    item_id = _item_id(request)
    intent = str(form.get("intent") or "")

    def work() -> None:
        labelling.label(con.project, con.database_url, item_id, intent, by=person.username)
        _record(con, person.username, "label", f"inbox:{item_id}", {"intent": intent})

    try:
        await run_in_threadpool(work)
    except Refused as exc:
        flash(request, "trainer.refused", "error")
        flash_lines(request, [str(exc)])
    else:
        flash(request, "trainer.labelled", intent=intent)
    return redirect("/trainer")


async def dismiss(request: Request) -> Response:
    person = await person_for(request, "trainer")
    await csrf.checked_form(request)
    con = console_of(request)
    item_id = _item_id(request)

    def work(session: Session) -> None:
        inbox.set_status(item_id, "dismissed", session=session)
        audit.record(person.username, "dismiss", f"inbox:{item_id}", session=session, now=con.clock())

    await con.db(work)
    flash(request, "trainer.dismissed")
    return redirect("/trainer")


async def add(request: Request) -> Response:
    person = await person_for(request, "trainer")
    form = await csrf.checked_form(request)
    con = console_of(request)
    text, intent = str(form.get("text") or ""), str(form.get("intent") or "")

    def work() -> str:
        written = labelling.add(con.project, text, intent, by=person.username)
        _record(con, person.username, "add_phrasing", f"intent:{intent}", {"text": written.text})
        return written.file.name

    try:
        file_name = await run_in_threadpool(work)
    except Refused as exc:
        flash(request, "trainer.refused", "error")
        flash_lines(request, [str(exc)])
    else:
        flash(request, "trainer.added", intent=intent, file=file_name)
    return redirect("/trainer")


ROUTES = [
    Route("/trainer", inbox_page, methods=["GET"]),
    Route("/trainer/inbox/{item_id:int}/label", label, methods=["POST"]),
    Route("/trainer/inbox/{item_id:int}/dismiss", dismiss, methods=["POST"]),
    Route("/trainer/add", add, methods=["POST"]),
]
