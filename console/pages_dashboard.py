"""The owner's dashboard: desk.analytics numbers and charts over a chosen period (role owner only).

Every figure is `desk.analytics.dashboard` on the shop database, against the
routing file's response-time rule; the charts are its matplotlib SVGs, served
by a route of their own (the page's Content-Security-Policy allows only 'self').
"""

from __future__ import annotations

from datetime import timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from console.periods import Chosen, chosen_period, query_of
from console.web import Console, console_of, person_for
from desk.analytics import charts, report
from desk.analytics.dashboard import Dashboard, dashboard
from desk.analytics.texts import label, text

DEFAULT_DAYS = 7
CHARTS = {
    "per_day": lambda board: charts.messages_per_day(board.volume),
    "by_hour": lambda board: charts.messages_by_hour(board.volume),
    "decisions": lambda board: charts.decisions_by_intent(board.decisions),
    "first_response": lambda board: charts.first_response_times(board.first_response),
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


async def _board(request: Request, con: Console) -> tuple[Chosen, Dashboard]:
    routing = con.routing()
    now = con.clock()
    chosen = chosen_period(
        request.query_params, now=now, timezone=routing.timezone, default_days=DEFAULT_DAYS
    )
    board = await con.db(lambda s: dashboard(session=s, period=chosen.period, routing=routing, now=now))
    return chosen, board


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
    chosen, board = await _board(request, con)
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
        query=query_of(chosen),
        board=board,
        busiest=busiest,
        response_minutes=f"{con.routing().response_minutes:g}",
        period_title=_period_title(board),
        titles=TITLES,
        legends=LEGENDS,
    )


async def chart_image(request: Request) -> Response:
    await person_for(request, "owner")
    con = console_of(request)
    draw = CHARTS.get(request.path_params["name"])
    if draw is None:
        raise HTTPException(404)
    _, board = await _board(request, con)
    chart = draw(board)
    return Response(chart.image, media_type=chart.content_type, headers={"cache-control": "no-store"})


ROUTES = [
    Route("/owner/dashboard", dashboard_page, methods=["GET"]),
    Route("/owner/charts/{name}.svg", chart_image, methods=["GET"]),
]
