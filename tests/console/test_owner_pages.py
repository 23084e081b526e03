"""The owner's dashboard and thresholds pages in a real browser, checked against desk.analytics on the same database."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
from playwright.sync_api import expect
from sqlalchemy import select

from desk.analytics.dashboard import dashboard
from desk.analytics.period import Period
from desk.analytics.report import percent, route_words
from desk.analytics.thresholds import PROPOSED, proposals
from desk.routing import load_routing
from paths import PROJECT_ROOT
from shop.db.engine import session_scope
from shop.models import utcnow
from shop.models.owner import ThresholdChange
from tests.console.seed import audit_rows, buyer_message


def _figure(page, name: str) -> str:
    return page.locator(f"[data-figure='{name}']").inner_text().strip()


def test_the_dashboard_shows_the_numbers_desk_analytics_computes(owner_pages, owner_server):
    routing = load_routing(owner_server.routing_file)
    first = date.today() - timedelta(days=6)
    last = date.today() + timedelta(days=1)  # whatever the shop's day is now, it is inside
    owner = owner_pages.signed_in("owner1")
    owner.click("nav a[href='/owner/dashboard']")
    expect(owner.locator("h1")).to_have_text("经营数据")
    owner.fill("form.period input[name=from]", first.isoformat())
    owner.fill("form.period input[name=to]", last.isoformat())
    owner.click("form.period button")
    expect(owner).to_have_url(re.compile(rf"from={first.isoformat()}&to={last.isoformat()}"))

    period = Period.between(first, last, timezone=routing.timezone)
    with session_scope(owner_server.db_url) as session:
        board = dashboard(session=session, period=period, routing=routing)
    assert board.volume.total > 100 and board.decisions  # the demo history is there
    assert _figure(owner, "messages") == str(board.volume.total)
    assert _figure(owner, "drafts") == str(board.automation.drafts)
    assert _figure(owner, "auto_sent") == str(board.automation.auto_sent)
    assert _figure(owner, "automation_rate") == percent(board.automation.rate)
    top = board.decisions[0]
    row = owner.locator(f"table.decisions tr[data-intent='{top.intent}']")
    expect(row.locator("td.decided")).to_have_text(str(top.decided))
    expect(row.locator("td.unchanged")).to_have_text(
        f"{top.counts['unchanged']}（{percent(top.rate('unchanged'))}）"
    )
    first_response = board.first_response
    assert _figure(owner, "rule") == "2 分钟"  # the routing file's response_minutes
    assert _figure(owner, "within_rule").startswith(f"{first_response.within_rule}/")
    reason = board.handoffs[0]
    code = f"{reason.code}:{reason.detail}" if reason.detail else reason.code
    expect(owner.locator(f"table.handoffs tr[data-code='{code}'] td").nth(1)).to_have_text(str(reason.count))
    # The charts are pictures served by the console itself (the CSP allows only 'self').
    for name in ("per_day", "by_hour", "decisions", "first_response"):
        chart = owner.locator(f"img#chart-{name}")
        expect(chart).to_be_visible()
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), name
    expect(owner.locator("figure.chart figcaption").first).to_contain_text("每天的买家消息")


def test_dates_the_owner_got_wrong_get_a_polite_answer_and_the_default_period(owner_pages):
    owner = owner_pages.signed_in("owner1")
    response = owner.goto("/owner/dashboard?from=2026-13-45&to=soon")
    assert response is not None and response.status == 200
    expect(owner.locator("p.flash.error")).to_contain_text("日期格式不对")
    owner.goto("/owner/dashboard?from=2026-05-02&to=2026-05-01")
    expect(owner.locator("p.flash.error")).to_contain_text("结束日期早于开始日期")


def test_an_agent_gets_403_on_the_owner_pages(owner_pages, owner_server):
    agent = owner_pages.signed_in("agent1")
    assert agent.locator("nav a[href='/owner/dashboard']").count() == 0
    for path in (
        "/owner/dashboard",
        "/owner/thresholds",
        "/owner/charts/per_day.svg",
        "/owner/thresholds/chart/ask_size.svg",
    ):
        response = agent.goto(path)
        assert response is not None and response.status == 403, path
    token = agent.locator("meta[name=csrf-token]").get_attribute("content")
    before = owner_server.routing_file.read_text(encoding="utf-8")
    refused = agent.request.post("/owner/thresholds/apply", form={"csrf": token, "intent": "ask_size"})
    assert refused.status == 403
    assert owner_server.routing_file.read_text(encoding="utf-8") == before


def test_applying_a_proposal_writes_the_test_routing_file_and_shows_in_the_history(owner_pages, owner_server):
    routing = load_routing(owner_server.routing_file)
    owner = owner_pages.signed_in("owner1")
    owner.goto("/owner/thresholds")
    with session_scope(owner_server.db_url) as session:
        period = Period.last_days(30, now=utcnow(), timezone=routing.timezone)
        found = proposals(session=session, period=period, routing=routing)
    # A threshold, or "never" (auto-send off): whichever the demo history and routing file give.
    chosen = next(p for p in found if p.applicable and p.changes)
    new_route = chosen.new_route
    assert new_route is not None
    row = owner.locator(f"tr.proposal[data-intent='{chosen.intent}']")
    proposed = f"阈值 {chosen.threshold:.2f}" if chosen.status == PROPOSED else "不自动发送"
    expect(row.locator("td.proposed")).to_have_text(proposed)
    expect(row.locator("td.precision")).to_have_text(percent(chosen.precision))
    expect(row.locator("td.coverage")).to_have_text(percent(chosen.coverage))
    row.locator("details summary").click()
    expect(row.locator("details li").first).to_contain_text("置信度")
    # Intents that must always reach an agent get no Apply button.
    assert owner.locator("tr.proposal.always_agent form.apply").count() == 0

    shop_file = PROJECT_ROOT / "responses" / "routing.yml"
    assert owner_server.routing_file.resolve() != shop_file.resolve()
    shop_before = shop_file.read_text(encoding="utf-8")
    row.locator("form.apply button").click()
    expect(owner.locator(".flash")).to_contain_text(f"已应用：{chosen.intent}")

    assert shop_file.read_text(encoding="utf-8") == shop_before  # the repo's own file is untouched
    after = load_routing(owner_server.routing_file).route_for(chosen.intent)
    assert (after.auto_send, after.threshold) == (new_route.auto_send, new_route.threshold)
    history = owner.locator(f"table.history tr[data-intent='{chosen.intent}']").first
    expect(history).to_contain_text(f"→ {route_words(new_route)}")
    expect(history).to_contain_text("web:owner1")
    with session_scope(owner_server.db_url) as session:
        change = session.scalars(
            select(ThresholdChange)
            .where(ThresholdChange.intent == chosen.intent)
            .order_by(ThresholdChange.id.desc())
        ).first()
        assert change is not None and change.applied_by == "web:owner1"
        assert (change.new_auto_send, change.new_threshold) == (new_route.auto_send, new_route.threshold)
    assert ("owner1", "apply_threshold") in audit_rows(owner_server.db_url, f"intent:{chosen.intent}")
    # Now it is what routing does: no Apply button for it any more.
    expect(owner.locator(f"tr.proposal[data-intent='{chosen.intent}'] form.apply")).to_have_count(0)


def test_a_draft_is_overdue_after_the_routing_files_response_minutes(pages, console_server):
    """The queue's rule is routing.yml's response_minutes (2 in the test copy), not a console setting."""
    over = buyer_message(console_server.db_url, "两分半钟前的消息", age=timedelta(seconds=150))
    within = buyer_message(console_server.db_url, "一分钟前的消息", age=timedelta(seconds=60))
    agent = pages.signed_in("agent1")
    expect(agent.locator(f"tr.queue-item[data-draft='{over.draft_id}']")).to_have_class(re.compile("overdue"))
    expect(agent.locator(f"tr.queue-item[data-draft='{within.draft_id}']")).not_to_have_class(
        re.compile("overdue")
    )


def test_the_owner_pages_post_refuses_a_missing_csrf_token(owner_server):
    from tests.console.conftest import PASSWORD

    with httpx.Client(base_url=owner_server.base_url) as client:
        page = client.get("/signin")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        client.post("/signin", data={"username": "owner1", "password": PASSWORD, "csrf": token})
        before = owner_server.routing_file.read_text(encoding="utf-8")
        answer = client.post("/owner/thresholds/apply", data={"intent": "ask_size"}, follow_redirects=False)
        assert answer.status_code == 403 and "表单已过期" in answer.text
        assert owner_server.routing_file.read_text(encoding="utf-8") == before
