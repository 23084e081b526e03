"""Sign-in and roles in a real browser: signed out -> sign-in page; each role only its own pages."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.console.conftest import PASSWORD, sign_in


def test_signed_out_goes_to_the_sign_in_page_and_back(pages):
    page = pages.new()
    page.goto("/agent")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Fagent$"))
    sign_in_here = page
    sign_in_here.fill("input[name=username]", "agent1")
    sign_in_here.fill("input[name=password]", PASSWORD)
    sign_in_here.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/agent$"))
    expect(page.locator("h1")).to_have_text("待处理队列")
    page.click("header .signout button")
    expect(page).to_have_url(re.compile(r"/signin$"))
    page.goto("/agent")
    expect(page).to_have_url(re.compile(r"/signin"))


def test_a_wrong_password_is_refused(pages):
    page = pages.new()
    sign_in(page, "agent2", "not-the-password")
    expect(page.locator(".flash.error")).to_have_text("用户名或密码不正确。")
    expect(page).to_have_url(re.compile(r"/signin$"))


def test_an_agent_cannot_open_trainer_or_owner_pages(pages):
    page = pages.signed_in("agent1")
    for path in ("/trainer", "/owner/accounts", "/owner/audit"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
        expect(page.locator("h1")).to_have_text("403")


def test_a_trainer_cannot_open_the_agents_queue(pages):
    page = pages.signed_in("trainer1")
    expect(page).to_have_url(re.compile(r"/trainer$"))
    response = page.goto("/agent")
    assert response is not None and response.status == 403
    assert page.locator("nav a", has_text="待处理队列").count() == 0


def test_an_agent_cannot_override_the_policy_check(pages, console_server):
    from tests.console.seed import buyer_message, draft_state

    seeded = buyer_message(console_server.db_url, "这件M码合适吗")
    page = pages.signed_in("agent1")
    page.goto(f"/agent/draft/{seeded.draft_id}")
    assert page.locator("#do-override").count() == 0
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    response = page.request.post(f"/agent/draft/{seeded.draft_id}/override", form={"csrf": token})
    assert response.status == 403
    assert draft_state(console_server.db_url, seeded.draft_id) == "pending"


def test_sign_in_is_throttled_after_repeated_failures(console_server):
    with httpx.Client(base_url=console_server.base_url) as client:

        def attempt(password: str) -> httpx.Response:
            page = client.get("/signin")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            return client.post(
                "/signin", data={"username": "throttled1", "password": password, "csrf": token}
            )

        for _ in range(5):
            assert attempt("wrong-password").status_code == 401
        # Now even the right password is refused for a while.
        refused = attempt(PASSWORD)
        assert refused.status_code == 429
        assert "登录失败次数过多" in refused.text


def test_every_post_route_refuses_a_request_without_its_csrf_token(console_server):
    """Signed in as each role, every POST the console has answers 403 without the token."""
    from starlette.routing import Route

    posts = [
        re.sub(r"\{[^}]+\}", "1", r.path)
        for r in console_server.app.routes
        if isinstance(r, Route) and "POST" in (r.methods or ())
    ]
    assert len(posts) >= 14
    refused_for_token: set[str] = set()
    for username in ("agent1", "super1", "trainer1", "owner1"):
        with httpx.Client(base_url=console_server.base_url) as client:
            page = client.get("/signin")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            signed = client.post("/signin", data={"username": username, "password": PASSWORD, "csrf": token})
            assert signed.status_code == 303
            for path in posts:
                if path == "/signin":
                    continue
                answer = client.post(
                    path, data={"text": "亲，好的", "intent": "greet"}, follow_redirects=False
                )
                assert answer.status_code == 403, (username, path, answer.status_code)
                if "表单已过期" in answer.text:  # refused for the token, not for the role
                    refused_for_token.add(path)
    # Each route was tried by a role allowed to use it: the token is what stopped it.
    assert refused_for_token == set(posts) - {"/signin"}


def test_the_owner_creates_an_account_that_can_sign_in_with_its_role(pages):
    owner = pages.signed_in("owner1")
    expect(owner).to_have_url(re.compile(r"/owner/accounts$"))
    owner.fill(".new-account input[name=username]", "newtrainer")
    owner.select_option(".new-account select[name=role]", "trainer")
    owner.fill(".new-account input[name=password]", "a-new-password-1")
    owner.click(".new-account button")
    expect(owner.locator(".flash")).to_contain_text("已创建账号 newtrainer")
    newcomer = pages.signed_in("newtrainer", "a-new-password-1")
    newcomer.wait_for_url(re.compile(r"/trainer$"))
    owner.goto("/owner/audit")
    expect(owner.locator("table.audit")).to_contain_text("create_account")
