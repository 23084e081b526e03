"""The owner's auto-send thresholds: proposals from agents' decisions, Apply, and the history (role owner only).

Proposals, the write into routing.yml and its `threshold_changes` row are
desk.analytics' (`proposals`, `apply_proposal`, `threshold_history`), the same
as `python -m desk.analytics --apply`. Apply recomputes the proposal from the
period the owner looked at (never trusts a threshold sent by the browser) and
records it in the console's audit in the same transaction.

A page view computes the proposals once and keeps them a couple of minutes
under a random view id its confidence-band pictures carry (one per intent), as
the dashboard does; a picture opened without a live view computes them again.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console import audit, csrf
from console.periods import Chosen, chosen_period, query_of
from console.web import Console, console_of, flash_lines, person_for, redirect
from desk.analytics import charts, report
from desk.analytics.apply import NotApplicable, apply_proposal, threshold_history
from desk.analytics.texts import label, text
from desk.analytics.thresholds import MIN_DECISIONS, TARGET_PRECISION, Proposal, proposals
from desk.routing import IntentRoute
from shop.models.owner import ThresholdChange

DEFAULT_DAYS = 30  # as `python -m desk.analytics --thresholds`


def _chosen(values: Mapping[str, Any], con: Console) -> Chosen:
    return chosen_period(values, now=con.clock(), timezone=con.routing().timezone, default_days=DEFAULT_DAYS)


async def _proposals(con: Console, chosen: Chosen) -> list[Proposal]:
    routing = con.routing()
    return await con.db(lambda s: proposals(session=s, period=chosen.period, routing=routing))


def _history_rows(changes: list[ThresholdChange], timezone: str) -> list[dict[str, str]]:
    return [
        {
            "at": c.applied_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M"),
            "intent": c.intent,
            "old": report.route_words(IntentRoute(c.old_auto_send, c.old_threshold)),
            "new": report.route_words(IntentRoute(c.new_auto_send, c.new_threshold)),
            "by": c.applied_by,
        }
        for c in changes
    ]


async def thresholds_page(request: Request) -> Response:
    person = await person_for(request, "owner")
    con = console_of(request)
    chosen = _chosen(request.query_params, con)
    found = await _proposals(con, chosen)
    view = secrets.token_urlsafe(16)
    con.threshold_views[view] = {p.intent: p for p in found}
    changes = await con.db(lambda s: threshold_history(session=s))
    return con.render(
        request,
        "owner_thresholds.html",
        person=person,
        t=text,
        label=label,
        percent=report.percent,
        route_words=report.route_words,
        chosen=chosen,
        query=f"{query_of(chosen)}&view={view}",  # the pictures' addresses: this view's proposals
        proposals=found,
        history=_history_rows(changes, con.routing().timezone),
        precision=report.percent(TARGET_PRECISION),
        min_decisions=MIN_DECISIONS,
    )


async def bands_chart(request: Request) -> Response:
    await person_for(request, "owner")
    con = console_of(request)
    found = con.threshold_views.get(request.query_params.get("view", ""))
    if found is None:
        chosen = _chosen(request.query_params, con)
        found = {p.intent: p for p in await _proposals(con, chosen)}
    proposal = found.get(request.path_params["intent"])
    if proposal is None:
        raise HTTPException(404)
    chart = await run_in_threadpool(charts.confidence_bands, proposal)  # matplotlib: off the event loop
    return Response(chart.image, media_type=chart.content_type, headers={"cache-control": "no-store"})


async def apply(request: Request) -> Response:
    person = await person_for(request, "owner")
    form = await csrf.checked_form(request)
    con = console_of(request)
    chosen = _chosen(form, con)  # the period the owner was looking at
    back = f"/owner/thresholds?{query_of(chosen)}"
    intent = str(form.get("intent") or "")
    proposal = next((p for p in await _proposals(con, chosen) if p.intent == intent), None)
    if proposal is None:
        flash_lines(request, [text("thresholds.not_applicable.unknown_intent", intent=intent)])
        return redirect(back)
    routing = con.routing()

    def work(session: Session) -> str:
        change = apply_proposal(
            proposal,
            routing_file=con.settings.routing_file,
            applied_by=f"web:{person.username}",
            period=chosen.period,
            session=session,
            now=con.clock(),
        )
        audit.record(
            person.username,
            "apply_threshold",
            f"intent:{intent}",
            detail={
                "old": [change.old_auto_send, change.old_threshold],
                "new": [change.new_auto_send, change.new_threshold],
                "precision": change.precision,
                "coverage": change.coverage,
                "decisions": change.decisions,
            },
            session=session,
            now=con.clock(),
        )
        return report.applied_line(change, routing.timezone)

    try:
        line = await con.db(work)
    except NotApplicable as refused:
        flash_lines(request, [text(f"thresholds.not_applicable.{refused.code}", intent=intent)])
    else:
        flash_lines(request, [line], "info")
    return redirect(back)


ROUTES = [
    Route("/owner/thresholds", thresholds_page, methods=["GET"]),
    Route("/owner/thresholds/apply", apply, methods=["POST"]),
    Route("/owner/thresholds/chart/{intent}.svg", bands_chart, methods=["GET"]),
]
