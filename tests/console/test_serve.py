"""`python -m console` as `make serve` / `make demo` start it (stack.servers.console_beside): 127.0.0.1 by default."""

from __future__ import annotations

import httpx

from stack.servers import console_beside, free_port
from stack.settings import load_settings


def test_the_console_process_serves_the_sign_in_page_on_localhost_and_stops(sqlite_url, tmp_path):
    port = free_port()
    settings = load_settings(
        {"CONSOLE": "1", "CONSOLE_PORT": str(port), "DATABASE_URL": sqlite_url, "VAR_DIR": str(tmp_path)}
    )
    assert settings.console_host == "127.0.0.1"
    with console_beside(settings) as url:
        assert url == f"http://127.0.0.1:{port}"
        page = httpx.get(f"{url}/agent", follow_redirects=True, timeout=10)
        assert page.status_code == 200 and 'action="/signin"' in page.text
    # Stopped with the gateway: nothing listens any more.
    try:
        httpx.get(f"{url}/signin", timeout=2)
    except httpx.ConnectError:
        pass
    else:
        raise AssertionError("the console still answers after its stack stopped")


def test_without_console_1_nothing_is_started():
    with console_beside(load_settings({})) as url:
        assert url is None
