"""The trainers' model page: train and evaluate (background jobs with progress), promote, roll back, history.

Everything is trainer/ unchanged: `train` and `evaluate` as `./trainer.sh` runs
them, `promote` with its regression gate (a forced promote needs a reason and a
name listed in TRAINERS), `rollback`, and the promotion history. The last
evaluation is shown as tables and its confusion pictures (console/evaluation_view.py),
served by a route of their own to trainers and the owner.
"""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from console import audit, csrf
from console.evaluation_view import evaluation_view, picture_file
from console.jobs import Job
from console.web import console_of, flash, flash_lines, person_for, redirect, signed_in
from trainer import audit as trainer_audit
from trainer import promote as trainer_promote
from trainer import state as trainer_state
from trainer.settings import known_trainers


async def model_page(request: Request) -> Response:
    person = await person_for(request, "trainer")
    con = console_of(request)
    project = con.project

    def read() -> tuple[trainer_state.State, list[dict], dict | None]:
        from trainer.evaluation import load_last

        last = load_last(project)
        return (
            trainer_state.load(project.trainer_dir),
            list(reversed(trainer_audit.entries(project.trainer_dir)))[:20],
            evaluation_view(last, project) if last else None,
        )

    state, history, evaluation = await run_in_threadpool(read)
    job = con.jobs.current
    return con.render(
        request,
        "trainer_model.html",
        person=person,
        state=state,
        history=history,
        evaluation=evaluation,
        job=job,
    )


async def job_state(request: Request) -> Response:
    await person_for(request, "trainer")
    job = console_of(request).jobs.current
    return JSONResponse(job.as_dict() if job else None)


def _train(con):  # type: ignore[no-untyped-def]
    def work(job: Job, out) -> str:  # type: ignore[no-untyped-def]
        from trainer.training import relative, train

        model = train(con.project, out=out, on_line=job.lines.append)
        return relative(con.project, model)

    return work


def _evaluate(con):  # type: ignore[no-untyped-def]
    def work(job: Job, out) -> str:  # type: ignore[no-untyped-def]
        from trainer.evaluation import evaluate, render

        def step(line: str) -> None:
            job.progress = line
            job.lines.append(line)

        job.progress = "evaluating candidate and live model / 评估中"
        return render(evaluate(con.project, on_progress=step))

    return work


async def confusion_picture(request: Request) -> Response:
    """A confusion picture of the last evaluation (trainers and the owner; a fixed name, never a path)."""
    person = await signed_in(request)
    if not (person.may("trainer") or person.may("owner")):
        raise HTTPException(403, "role")
    project = console_of(request).project

    def find() -> Path | None:
        from trainer.evaluation import load_last

        return picture_file(project, load_last(project), request.path_params["which"])

    path = await run_in_threadpool(find)
    if path is None:
        raise HTTPException(404)
    return FileResponse(path, media_type="image/png", headers={"cache-control": "no-store"})


async def _start_job(request: Request, kind: str) -> Response:
    person = await person_for(request, "trainer")
    await csrf.checked_form(request)
    con = console_of(request)
    work = {"train": _train, "evaluate": _evaluate}[kind](con)
    if not con.jobs.start(kind, person.username, work):
        flash(request, "model.busy", "error")
        return redirect("/trainer/model")
    con.transaction(lambda s: audit.record(person.username, kind, "model", session=s, now=con.clock()))
    flash(request, f"model.{kind}_started")
    return redirect("/trainer/model")


async def train(request: Request) -> Response:
    return await _start_job(request, "train")


async def evaluate(request: Request) -> Response:
    return await _start_job(request, "evaluate")


async def _switch(request: Request, action: str) -> Response:
    person = await person_for(request, "trainer")
    form = await csrf.checked_form(request)
    con = console_of(request)
    why = str(form.get("why") or "") or None
    force = form.get("force") == "1"

    def work() -> list[str]:
        if action == "promote":
            _, overridden = trainer_promote.promote(
                con.project, force=force, by=person.username, why=why, trainers=known_trainers()
            )
        else:
            trainer_promote.rollback(con.project, by=person.username, why=why)
            overridden = []
        con.transaction(
            lambda s: audit.record(
                person.username,
                action,
                "model",
                detail={"why": why, "forced": force},
                session=s,
                now=con.clock(),
            )
        )
        return overridden

    if con.jobs.current is not None and not con.jobs.current.done:
        flash(request, "model.busy", "error")
        return redirect("/trainer/model")
    try:
        overridden = await run_in_threadpool(work)
    except trainer_promote.Refused as exc:
        flash(request, "model.refused", "error")
        flash_lines(request, str(exc).splitlines())
    else:
        flash(request, f"model.{action}_done")
        if overridden:
            flash_lines(request, overridden, "info")
    return redirect("/trainer/model")


async def promote(request: Request) -> Response:
    return await _switch(request, "promote")


async def rollback(request: Request) -> Response:
    return await _switch(request, "rollback")


ROUTES = [
    Route("/trainer/model", model_page, methods=["GET"]),
    Route("/trainer/model/job", job_state, methods=["GET"]),
    Route("/trainer/model/confusion/{which}.png", confusion_picture, methods=["GET"]),
    Route("/trainer/model/train", train, methods=["POST"]),
    Route("/trainer/model/evaluate", evaluate, methods=["POST"]),
    Route("/trainer/model/promote", promote, methods=["POST"]),
    Route("/trainer/model/rollback", rollback, methods=["POST"]),
]
