"""The owner's dashboard: desk.analytics numbers and charts over a chosen period (role owner only).

Every figure is `desk.analytics.dashboard` on the shop database, against the
routing file's response-time rule; the charts are its matplotlib SVGs, served
by a route of their own (the page's Content-Security-Policy allows only 'self').
A page view computes the dashboard once: the page keeps it for a couple of
minutes under a random view id that its chart addresses carry, so the pictures
draw the page's very numbers. A chart opened without a live view (a kept
address) computes its own figure alone. Pictures are drawn in a worker thread
(desk.analytics.charts serialises matplotlib): the event loop serves the other pages meanwhile.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console.periods import Chosen, chosen_period, query_of
from console.web import Console, console_of, person_for
from desk.analytics import charts, report
from desk.analytics.dashboard import Dashboard, dashboard, figure
from desk.analytics.texts import label, text

DEFAULT_DAYS = 7
# Each picture: the dashboard figure it draws (a field of Dashboard) and how.
CHARTS = {
    "per_day": ("volume", charts.messages_per_day),
    "by_hour": ("volume", charts.messages_by_hour),
    "decisions": ("decisions", charts.decisions_by_intent),
    "first_response": ("first_response", charts.first_response_times),
}

# The words around each picture (the pictures carry no Chinese): title key, legend codes
# (console.css colours `.swatch.<code>` as desk.analytics.charts.COLOURS draws them).
TITLES = {
    "per_day": "charts.messages_per_day",
    "by_hour": "charts.messages_by_hour",
    "decisions": "charts.decisions_by_intent",
    "first_response": "charts.first_response",
}
LEGENDS = {
    "per_day": ("messages",),
    "by_hour": ("messages",),
    "decisions": ("unchanged", "edited", "rejected"),
    "first_response": ("within_rule", "over_rule"),
}


def _chosen(request: Request, con: Console) -> Chosen:
    return chosen_period(
        request.query_params, now=con.clock(), timezone=con.routing().timezone, default_days=DEFAULT_DAYS
    )


def _period_title(board: Dashboard) -> str:
    period = board.period
    last = period.local(period.end - timedelta(microseconds=1))  # as the CLI's report says it
    return text(
        "dashboard.title",
        start=period.local(period.start).strftime("%Y-%m-%d %H:%M"),
        end=last.strftime("%Y-%m-%d %H:%M"),
        timezone=period.timezone,
    )


async def dashboard_page(request: Request) -> Response:
    person = await person_for(request, "owner")
    con = console_of(request)
    chosen, routing, now = _chosen(request, con), con.routing(), con.clock()
    board = await con.db(lambda s: dashboard(session=s, period=chosen.period, routing=routing, now=now))
    view = secrets.token_urlsafe(16)
    con.dashboard_views[view] = board
    volume = board.volume
    busiest = sorted(range(24), key=lambda h: (-volume.by_hour_of_day[h], h))[:3] if volume.total else []
    return con.render(
        request,
        "owner_dashboard.html",
        person=person,
        t=text,
        label=label,
        percent=report.percent,
        duration=report.duration,
        handoff_label=report.handoff_label,
        chosen=chosen,
        query=f"{query_of(chosen)}&view={view}",  # the charts' addresses: this view's numbers
        board=board,
        busiest=busiest,
        response_minutes=f"{routing.response_minutes:g}",
        period_title=_period_title(board),
        titles=TITLES,
        legends=LEGENDS,
    )


async def chart_image(request: Request) -> Response:
    await person_for(request, "owner")
    con = console_of(request)
    if request.path_params["name"] not in CHARTS:
        raise HTTPException(404)
    field, draw = CHARTS[request.path_params["name"]]
    board = con.dashboard_views.get(request.query_params.get("view", ""))
    if board is not None:
        numbers = getattr(board, field)
    else:
        chosen, routing, now = _chosen(request, con), con.routing(), con.clock()
        numbers = await con.db(
            lambda s: figure(field, session=s, period=chosen.period, routing=routing, now=now)
        )
    chart = await run_in_threadpool(draw, numbers)  # ~0.1 s of matplotlib: never on the event loop
    return Response(chart.image, media_type=chart.content_type, headers={"cache-control": "no-store"})


ROUTES = [
    Route("/owner/dashboard", dashboard_page, methods=["GET"]),
    Route("/owner/charts/{name}.svg", chart_image, methods=["GET"]),
]
