"""The console served for real (uvicorn in a thread) and driven by Debian's headless Chromium.

One browser, one console server and one SQLite database for all the console
tests (each test makes its own chats, so they do not collide), a fresh
browser context (cookies) per test, a screenshot of the page when a test fails
(var/test-screenshots/).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from argon2 import PasswordHasher
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from console import accounts
from console.app import build_app
from console.settings import ConsoleSettings
from desk.demo_history import seed_history
from desk.routing import load_routing
from paths import PROJECT_ROOT, VAR_DIR
from shop.db.engine import dispose_engine, session_scope
from shop.db.migrate import upgrade
from shop.demo import load_demo
from stack.servers import free_port
from tests.console.chromium import FLAGS, ChromiumUnavailable, ensure_chromium
from trainer.settings import Project

SCREENSHOTS = VAR_DIR / "test-screenshots"
PASSWORD = "console-test-pass"
PEOPLE = {
    "agent1": "agent",
    "agent2": "agent",
    "super1": "supervisor",
    "trainer1": "trainer",
    "owner1": "owner",
    "throttled1": "agent",  # the throttle test locks this one
}
WAIT_MS = 15_000  # a condition not met by then is a failure (the tests wait for conditions, never sleep)


@dataclass(frozen=True)
class ConsoleServer:
    base_url: str
    db_url: str
    project: Project
    app: object
    routing_file: Path  # the server's own copy of responses/routing.yml (the owner applies thresholds to it)


def _tiny_project(root: Path) -> Project:
    """A copy of what labelling writes to and reads (data/nlu, domain, held-out set)."""
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", root / "data" / "nlu")
    shutil.copy(PROJECT_ROOT / "domain.yml", root / "domain.yml")
    (root / "tests" / "nlu_heldout").mkdir(parents=True)
    shutil.copy(
        PROJECT_ROOT / "tests" / "nlu_heldout" / "heldout.yml", root / "tests" / "nlu_heldout" / "heldout.yml"
    )
    return Project(root=root)


@pytest.fixture(scope="package")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    # argon2 at its production cost takes about a second per sign-in on a busy 2-core machine;
    # the browser tests sign in dozens of times, so they use the same algorithm at a small cost
    # (test_accounts.py checks the production hasher's parameters).
    production = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    base = tmp_path_factory.mktemp("console")
    url = f"sqlite:///{base / 'shop.db'}"
    upgrade(url)
    with session_scope(url) as session:
        load_demo(session)  # the demo shop: buyers with orders and parcels for the conversation page
    routing_file = _routing_copy(base)
    with session_scope(url) as session:
        for username, role in PEOPLE.items():
            accounts.create(username, PASSWORD, role, session=session)
    project = _tiny_project(base / "project")
    try:
        with _serving(_app(url, base, routing_file, project)) as (base_url, app):
            yield ConsoleServer(base_url, url, project, app, routing_file)
    finally:
        dispose_engine(url)
        accounts._hasher = production


@pytest.fixture(scope="package")
def owner_server(
    console_server: ConsoleServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    """A console on a database of its own with the demo's days of history, for the owner's pages.

    Its own database: the history fills the trainers' inbox and the follow-up list, which
    the other pages' tests read on the session's database.
    """
    base = tmp_path_factory.mktemp("console-owner")
    url = f"sqlite:///{base / 'shop.db'}"
    upgrade(url)
    routing_file = _routing_copy(base)
    with session_scope(url) as session:
        load_demo(session)
    with session_scope(url) as session:
        # A few days of decided drafts (all final: nothing joins the queue), as `make demo` seeds them.
        seed_history(session, routing=load_routing(routing_file))
        for username, role in PEOPLE.items():
            accounts.create(username, PASSWORD, role, session=session)
    try:
        with _serving(_app(url, base, routing_file, console_server.project)) as (base_url, app):
            yield ConsoleServer(base_url, url, console_server.project, app, routing_file)
    finally:
        dispose_engine(url)


def _routing_copy(base: Path) -> Path:
    """A copy of the shop's routing file: applying a threshold in a test never writes the repo's.

    Its response rule is 2 minutes, not the shop's 3: the console must follow the file it is given.
    """
    routing_file = base / "routing.yml"
    shop_routing = (PROJECT_ROOT / "responses" / "routing.yml").read_text(encoding="utf-8")
    assert "\nresponse_minutes: 3\n" in shop_routing
    routing_file.write_text(
        shop_routing.replace("\nresponse_minutes: 3\n", "\nresponse_minutes: 2\n"), "utf-8"
    )
    return routing_file


def _app(url: str, base: Path, routing_file: Path, project: Project) -> Any:
    settings = ConsoleSettings(
        database_url=url,
        secret_key="test-" * 10,
        var_dir=base / "var",
        queue_poll_s=0.2,
        routing_file=routing_file,
    )
    return build_app(settings, project=project)


@contextmanager
def _serving(app: Any) -> Iterator[tuple[str, Any]]:
    """`app` served by uvicorn in a thread on a free port, until the block ends."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
    )
    thread = threading.Thread(target=server.run, name="console-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the console server did not start", pytrace=False)
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# Package scope: Playwright's sync API keeps an event loop in this thread while it runs, which
# would break every later test calling asyncio.run(); it stops when the console tests are done.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    try:
        chromium = ensure_chromium()
    except ChromiumUnavailable as exc:
        pytest.fail(f"cannot run the console's browser tests: {exc}", pytrace=False)
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(chromium), headless=True, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_FAILED] = report.failed


_FAILED = pytest.StashKey[bool]()


class Pages:
    """Browser contexts of one test (one per person signed in); screenshots if the test fails."""

    def __init__(self, browser: Browser, server: ConsoleServer, sessions: dict[str, Any]) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list[BrowserContext] = []
        self.sessions = sessions  # username -> cookies of a sign-in made earlier in the session

    def new(self, storage_state: Any = None) -> Page:
        context = self.browser.new_context(
            base_url=self.server.base_url, locale="zh-CN", storage_state=storage_state
        )
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        return context.new_page()

    def signed_in(self, username: str, password: str = PASSWORD) -> Page:
        """A page signed in as `username`, on the home page of its role (one real sign-in per user)."""
        if username in self.sessions:
            page = self.new(self.sessions[username])
            page.goto("/")
            return page
        page = self.new()
        sign_in(page, username, password)
        self.sessions[username] = page.context.storage_state()
        return page


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/signin")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture(scope="package")
def signed_sessions() -> dict[str, Any]:
    return {}


@pytest.fixture
def pages(
    browser: Browser,
    console_server: ConsoleServer,
    signed_sessions: dict[str, Any],
    request: pytest.FixtureRequest,
) -> Iterator[Pages]:
    made = Pages(browser, console_server, signed_sessions)
    try:
        yield made
    finally:
        _close(made, request)


def _close(made: Pages, request: pytest.FixtureRequest) -> None:
    if request.node.stash.get(_FAILED, False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for n, context in enumerate(made.contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{n}-{m}.png"), full_page=True)
    for context in made.contexts:
        context.close()


@pytest.fixture(scope="package")
def owner_sessions() -> dict[str, Any]:
    return {}


@pytest.fixture
def owner_pages(
    browser: Browser,
    owner_server: ConsoleServer,
    owner_sessions: dict[str, Any],
    request: pytest.FixtureRequest,
) -> Iterator[Pages]:
    """Pages on the owner's console (its own database, with history); screenshots if the test fails."""
    made = Pages(browser, owner_server, owner_sessions)
    try:
        yield made
    finally:
        _close(made, request)
