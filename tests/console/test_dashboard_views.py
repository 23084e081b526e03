"""A dashboard page view computes the period's numbers once: its chart images draw the page's numbers.

Over HTTP (no browser needed): the page, then every chart image it shows, as a
browser fetches them. The statements the console's engine runs are counted
with SQLAlchemy's ``before_cursor_execute`` event.
"""

from __future__ import annotations

import asyncio
import html
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta

import httpx

from desk.analytics import charts
from tests.console.conftest import PASSWORD, ConsoleServer
from tests.statements import statements

# The tables the dashboard's figures are read from (drafts, agents' decisions, messages both ways).
HISTORY = re.compile(r"\b(drafts|agent_decisions|inbound_messages|outbound_messages)\b")


@contextmanager
def _owner(server: ConsoleServer) -> Iterator[httpx.Client]:
    """An HTTP client signed in as the owner (as a browser: the form's CSRF token, then the form)."""
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        form = client.get("/signin")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token
        data = {"username": "owner1", "password": PASSWORD, "csrf": token.group(1)}
        assert client.post("/signin", data=data).status_code in (302, 303)
        yield client


def _history_reads(server: ConsoleServer):
    """SQL statements of the console's engine that read the history tables, while the block runs."""
    return statements(server.app.state.console.engine, HISTORY)


def _period() -> str:
    first, last = date.today() - timedelta(days=6), date.today() + timedelta(days=1)
    return f"from={first.isoformat()}&to={last.isoformat()}"


def _chart_urls(page: httpx.Response) -> list[str]:
    return [html.unescape(src) for src in re.findall(r'<img src="(/owner/charts/[^"]+)"', page.text)]


def test_a_page_view_reads_the_history_once_however_many_charts_it_shows(owner_server):
    with _owner(owner_server) as owner:
        with _history_reads(owner_server) as page_reads:
            page = owner.get(f"/owner/dashboard?{_period()}")
        assert page.status_code == 200
        charts = _chart_urls(page)
        assert len(charts) == 4  # the demo history has numbers for every picture
        with _history_reads(owner_server) as chart_reads:
            for url in charts:
                answer = owner.get(url)
                assert answer.status_code == 200 and answer.headers["content-type"] == "image/svg+xml"
    assert page_reads  # the page itself reads the period's rows...
    assert chart_reads == []  # ...and its pictures draw those numbers without reading them again


def test_a_chart_opened_on_its_own_draws_the_same_picture_as_the_pages_view(owner_server):
    """A picture's address kept from an earlier view (or a view long gone) still shows its period."""
    with _owner(owner_server) as owner:
        page = owner.get(f"/owner/dashboard?{_period()}")
        for url in _chart_urls(page):
            from_view = owner.get(url)
            name = re.match(r"/owner/charts/(\w+)\.svg", url).group(1)
            alone = owner.get(f"/owner/charts/{name}.svg?{_period()}")
            gone = owner.get(f"/owner/charts/{name}.svg?{_period()}&view=no-such-view")
            assert alone.status_code == gone.status_code == 200, name
            assert alone.content == from_view.content == gone.content, name
        assert owner.get(f"/owner/charts/no_such_chart.svg?{_period()}").status_code == 404


def _band_chart_urls(page: httpx.Response) -> list[str]:
    return [
        html.unescape(u) for u in re.findall(r'<img[^>]* src="(/owner/thresholds/chart/[^"]+)"', page.text)
    ]


def test_a_thresholds_page_view_computes_the_proposals_once_for_all_its_charts(owner_server):
    """One picture per intent: each must draw the page's proposals, not compute every proposal again."""
    with _owner(owner_server) as owner:
        with _history_reads(owner_server) as page_reads:
            page = owner.get(f"/owner/thresholds?{_period()}")
        assert page.status_code == 200
        charts = _band_chart_urls(page)
        assert len(charts) > 3
        with _history_reads(owner_server) as chart_reads:
            pictures = [owner.get(url) for url in charts]
        assert all(p.status_code == 200 and p.headers["content-type"] == "image/svg+xml" for p in pictures)
        # A picture opened on its own (a kept address, a view long gone) still draws its intent.
        for url, from_view in zip(charts, pictures, strict=True):
            intent = re.match(r"/owner/thresholds/chart/(\w+)\.svg", url).group(1)
            for alone_url in (
                f"/owner/thresholds/chart/{intent}.svg?{_period()}",
                f"/owner/thresholds/chart/{intent}.svg?{_period()}&view=no-such-view",
            ):
                alone = owner.get(alone_url)
                assert alone.status_code == 200 and alone.content == from_view.content, intent
        assert owner.get(f"/owner/thresholds/chart/no_such_intent.svg?{_period()}").status_code == 404
    assert page_reads
    assert chart_reads == []


def _all_chart_urls(owner: httpx.Client) -> list[str]:
    """Every picture of a dashboard view and of a thresholds view."""
    urls = _chart_urls(owner.get(f"/owner/dashboard?{_period()}"))
    urls += _band_chart_urls(owner.get(f"/owner/thresholds?{_period()}"))
    assert len(urls) > 5
    return urls


def test_charts_are_drawn_off_the_event_loop(owner_server, monkeypatch):
    """matplotlib takes ~0.1 s a picture: on the event loop it would stall every other agent's page."""
    loop_thread = next(t for t in threading.enumerate() if t.name == "console-test-server")
    drawn: list[tuple[int, bool]] = []
    render = charts.render

    def spying(figure, fmt="svg"):  # noqa: ANN001, ANN202 - desk.analytics.charts.render, watched
        try:
            asyncio.get_running_loop()
            on_a_loop = True
        except RuntimeError:
            on_a_loop = False
        drawn.append((threading.get_ident(), on_a_loop))
        return render(figure, fmt)

    monkeypatch.setattr(charts, "render", spying)
    with _owner(owner_server) as owner:
        urls = _all_chart_urls(owner)
        assert all(owner.get(url).status_code == 200 for url in urls)
    assert len(drawn) == len(urls)
    assert not any(on_a_loop for _, on_a_loop in drawn)
    assert loop_thread.ident not in {ident for ident, _ in drawn}


def test_charts_asked_for_at_once_are_the_same_pictures_as_one_by_one(owner_server):
    with _owner(owner_server) as owner:
        urls = _all_chart_urls(owner)
        one_by_one = [owner.get(url).content for url in urls]
        with ThreadPoolExecutor(max_workers=4) as pool:
            at_once = list(pool.map(lambda url: owner.get(url).content, urls))
    assert all(b"<svg" in picture for picture in one_by_one)
    assert at_once == one_by_one
