"""The agents' pages in a real browser: live queue, send, edit under the policy check, reject, take over."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from desk import follow_ups, inbox
from shop.db.engine import session_scope
from shop.models import Conversation, Draft, FollowUpTask, Order, Shipment
from tests.console.seed import audit_rows, buyer_message, decisions, draft_state, outbound_texts


def _mode(url: str, draft_id: int) -> tuple[str, str | None]:
    with session_scope(url) as session:
        conv = session.get(Conversation, session.get(Draft, draft_id).conversation_id)
        return conv.mode, conv.taken_over_by


def test_a_buyer_message_arriving_appears_in_an_open_queue_without_reload(pages, console_server):
    page = pages.signed_in("agent1")
    expect(page.locator("h1")).to_have_text("待处理队列")
    page.wait_for_function("document.body.dataset.queueLive === '1'")
    page.evaluate("window.__sameDocument = true")
    seeded = buyer_message(console_server.db_url, "刚到的消息：这件外套有XL吗")
    row = page.locator(f"tr.queue-item[data-draft='{seeded.draft_id}']")
    expect(row).to_contain_text("刚到的消息：这件外套有XL吗")
    assert page.evaluate("window.__sameDocument") is True  # no reload happened


def test_the_queue_is_oldest_first_and_marks_overdue_drafts(pages, console_server):
    late = buyer_message(console_server.db_url, "等了很久的消息", age=timedelta(minutes=10))
    fresh = buyer_message(console_server.db_url, "刚刚的消息")
    page = pages.signed_in("agent1")
    ids = [
        int(x) for x in page.locator("tr.queue-item").evaluate_all("rows => rows.map(r => r.dataset.draft)")
    ]
    assert ids.index(late.draft_id) < ids.index(fresh.draft_id)
    expect(page.locator(f"tr.queue-item[data-draft='{late.draft_id}']")).to_have_class(re.compile("overdue"))
    expect(page.locator(f"tr.queue-item[data-draft='{fresh.draft_id}']")).not_to_have_class(
        re.compile("overdue")
    )


def test_send_as_is_with_the_keyboard_queues_the_draft_for_the_buyer_once(pages, console_server):
    url = console_server.db_url
    seeded = buyer_message(url, "M码还是L码", replies=("亲，您好，M码合适的哦",))
    page = pages.signed_in("agent1")
    page.goto(f"/agent/draft/{seeded.draft_id}")
    expect(page.locator("#intent")).to_contain_text("ask_size")
    expect(page.locator("#route-reason")).to_contain_text("置信度低于阈值")
    page.keyboard.press("s")
    expect(page.locator(".flash")).to_contain_text("已发送")
    assert draft_state(url, seeded.draft_id) == "sent"
    assert outbound_texts(url, seeded.draft_id) == [("亲，您好，M码合适的哦", "queued")]
    assert decisions(url, seeded.draft_id) == [("send", "web:agent1", None)]
    assert audit_rows(url, f"draft:{seeded.draft_id}") == [("agent1", "send")]
    # The draft left the queue.
    page.goto("/agent")
    expect(page.locator(f"tr.queue-item[data-draft='{seeded.draft_id}']")).to_have_count(0)


def test_an_edit_that_breaks_the_policy_is_blocked_with_reasons_then_the_fix_is_sent(pages, console_server):
    url = console_server.db_url
    seeded = buyer_message(url, "能便宜点吗")
    page = pages.signed_in("agent1")
    page.goto(f"/agent/draft/{seeded.draft_id}")
    editor = page.locator("#edit-text")
    editor.fill("加我微信abc12345，私下转账更便宜")
    # The check runs as the agent types: reasons shown, the send button disabled.
    expect(page.locator("#policy-reasons li").first).to_be_visible()
    expect(page.locator("#do-edit")).to_be_disabled()
    # Sent anyway (a stale page, a script): the server blocks it with the same reasons.
    page.evaluate("document.getElementById('edit-form').submit()")
    expect(page.locator(".flash.error").first).to_contain_text("未发送")
    assert page.locator(".flash.error").count() >= 2  # the reasons, one per line
    assert draft_state(url, seeded.draft_id) == "pending"
    assert outbound_texts(url, seeded.draft_id) == []
    assert decisions(url, seeded.draft_id) == [("edit", "web:agent1", "加我微信abc12345，私下转账更便宜")]
    # The blocked text is kept in the editor; fixed, it goes out.
    expect(page.locator("#edit-text")).to_have_value("加我微信abc12345，私下转账更便宜")
    page.locator("#edit-text").fill("亲，这款现在有满减活动，可以看看哦")
    expect(page.locator("#do-edit")).to_be_enabled()
    expect(page.locator("#policy-reasons li")).to_have_count(0)
    page.locator("#edit-text").press("Control+Enter")
    expect(page.locator(".flash")).to_contain_text("已发送")
    assert draft_state(url, seeded.draft_id) == "sent"
    assert outbound_texts(url, seeded.draft_id) == [("亲，这款现在有满减活动，可以看看哦", "queued")]


def test_a_supervisor_overrides_a_blocked_text_and_it_goes_out_exactly(pages, console_server):
    url = console_server.db_url
    seeded = buyer_message(url, "什么时候到")
    agent = pages.signed_in("agent1")
    agent.goto(f"/agent/draft/{seeded.draft_id}")
    agent.locator("#edit-text").fill("亲，保证明天一定到货！")
    agent.evaluate("document.getElementById('edit-form').submit()")
    expect(agent.locator(".flash.error").first).to_contain_text("未发送")
    supervisor = pages.signed_in("super1")
    supervisor.goto(f"/agent/draft/{seeded.draft_id}")
    supervisor.keyboard.press("o")
    expect(supervisor.locator(".flash")).to_contain_text("已发送")
    assert outbound_texts(url, seeded.draft_id) == [("亲，保证明天一定到货！", "queued")]
    assert decisions(url, seeded.draft_id)[-1] == ("override", "web:super1", "亲，保证明天一定到货！")


def test_reject_with_the_right_intent_puts_the_message_in_the_trainer_inbox(pages, console_server):
    url = console_server.db_url
    seeded = buyer_message(url, "收到的衣服有个洞", intent="ask_size", confidence=0.55)
    page = pages.signed_in("agent1")
    page.goto(f"/agent/draft/{seeded.draft_id}")
    page.keyboard.press("r")
    expect(page.locator(".flash")).to_contain_text("已驳回")
    page.select_option("#teach-intent", "complain")
    page.click("#do-teach")
    expect(page.locator(".flash")).to_contain_text("已记录正确意图")
    assert draft_state(url, seeded.draft_id) == "rejected"
    assert outbound_texts(url, seeded.draft_id) == []
    with session_scope(url) as session:
        items = [i for i in inbox.list_items(session=session, limit=1000) if i.draft_id == seeded.draft_id]
    assert [(i.text, i.reason, i.model_intent, i.agent_intent) for i in items] == [
        ("收到的衣服有个洞", "rejected", "ask_size", "complain")
    ]


def test_take_over_and_release_with_the_keyboard(pages, console_server):
    url = console_server.db_url
    seeded = buyer_message(url, "我想和人工说")
    page = pages.signed_in("agent2")
    page.goto(f"/agent/draft/{seeded.draft_id}")
    page.keyboard.press("t")
    expect(page.locator(".flash")).to_contain_text("已接管")
    assert _mode(url, seeded.draft_id) == ("human", "web:agent2")
    page.keyboard.press("l")
    expect(page.locator(".flash")).to_contain_text("已交还机器人")
    assert _mode(url, seeded.draft_id) == ("bot", None)
    assert [d[0] for d in decisions(url, seeded.draft_id)] == ["take_over", "release"]


def test_a_buyer_message_with_script_and_markdown_is_shown_as_text(pages, console_server):
    text = "<script>window.__pwned = 1</script> **加粗** [点我](javascript:alert(1)) <b>粗</b>"
    seeded = buyer_message(console_server.db_url, text, replies=("亲，<img src=x onerror=window.__pwned=2>",))
    page = pages.signed_in("agent1")
    row = page.locator(f"tr.queue-item[data-draft='{seeded.draft_id}'] .buyer-text")
    expect(row).to_have_text(text)
    response = page.goto(f"/agent/draft/{seeded.draft_id}")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#buyer-text")).to_have_text(text)
    expect(page.locator("pre.reply")).to_have_text("亲，<img src=x onerror=window.__pwned=2>")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#buyer-text script, #buyer-text b, #buyer-text a, pre.reply img").count() == 0


def test_a_form_without_its_csrf_token_is_refused(pages, console_server):
    url = console_server.db_url
    seeded = buyer_message(url, "有货吗")
    page = pages.signed_in("agent1")
    page.goto(f"/agent/draft/{seeded.draft_id}")
    page.evaluate("document.querySelector('#do-send').form.querySelector('input[name=csrf]').remove()")
    page.click("#do-send")
    expect(page.locator("h1")).to_have_text("403")
    assert draft_state(url, seeded.draft_id) == "pending"
    assert outbound_texts(url, seeded.draft_id) == []


def test_two_agents_racing_send_send_once(pages, console_server):
    url = console_server.db_url
    seeded = buyer_message(url, "两个人同时点发送", replies=("亲，您好，有货的哦",))
    first, second = pages.signed_in("agent1"), pages.signed_in("agent2")
    for page in (first, second):
        page.goto(f"/agent/draft/{seeded.draft_id}")
    # Both forms are submitted before either answer comes back.
    first.evaluate("document.getElementById('do-send').form.submit()")
    second.evaluate("document.getElementById('do-send').form.submit()")
    for page in (first, second):
        expect(page.locator(".flash").first).to_be_visible()
    flashes = sorted(p.locator(".flash").first.inner_text() for p in (first, second))
    assert any("已发送" in f for f in flashes) and any("已被处理" in f for f in flashes), flashes
    assert outbound_texts(url, seeded.draft_id) == [("亲，您好，有货的哦", "queued")]
    assert [d[0] for d in decisions(url, seeded.draft_id)] == ["send"]


def test_the_conversation_shows_the_buyers_orders_parcels_and_the_product_in_question(pages, console_server):
    seeded = buyer_message(
        console_server.db_url,
        "这件大衣我穿什么码",
        meta={"rule": "size_between", "facts": {"product_code": "0201", "height": 162}},
        linked_to="tb_linlin",
    )
    page = pages.signed_in("agent1")
    page.goto(f"/agent/draft/{seeded.draft_id}")
    expect(page.locator("#product")).to_contain_text("0201")
    expect(page.locator(".facts-list")).to_contain_text("height: 162")
    expect(page.locator(".history h2").first).to_contain_text("买家账号 tb_linlin")
    orders = page.locator(".order")
    assert orders.count() >= 2
    expect(page.locator(".order", has_text="包裹：").first).to_be_visible()
    linlins = orders.locator("strong").all_inner_texts()
    # Another buyer's chat shows none of her orders.
    other = buyer_message(console_server.db_url, "你好", linked_to="tb_ahua")
    page.goto(f"/agent/draft/{other.draft_id}")
    expect(page.locator(".history h2").first).to_contain_text("买家账号 tb_ahua")
    assert not set(linlins) & set(page.locator(".order strong").all_inner_texts())


def test_an_order_shipped_in_several_parcels_shows_every_parcel(pages, console_server):
    """拆单: both parcels of tb_linlin's 5021873340003, each with its waybill and latest scan."""
    with session_scope(console_server.db_url) as session:
        first = session.get(Order, "5021873340003").shipment
        second = Shipment(
            order_id="5021873340003",
            courier="韵达快递",
            tracking_no="43100000000033",
            shipped_at=first.shipped_at,
        )
        session.add(second)
        session.flush()
        second_id = second.id
    try:
        seeded = buyer_message(console_server.db_url, "我的订单到哪了", linked_to="tb_linlin")
        page = pages.signed_in("agent1")
        page.goto(f"/agent/draft/{seeded.draft_id}")
        order = page.locator(".order", has_text="5021873340003")
        parcels = order.locator(".parcel")
        expect(parcels).to_have_count(2)
        expect(parcels.nth(0)).to_contain_text("中通快递 75300000000031")
        expect(parcels.nth(0)).to_contain_text("【上海市】派件中")
        expect(parcels.nth(1)).to_contain_text("韵达快递 43100000000033")
        expect(parcels.nth(1)).to_contain_text("暂无物流")
    finally:
        with session_scope(console_server.db_url) as session:
            session.delete(session.get(Shipment, second_id))


def test_a_traditional_chinese_buyer_and_a_traditional_violation(pages, console_server):
    seeded = buyer_message(console_server.db_url, "這件外套有XL嗎？什麼時候到貨")
    page = pages.signed_in("agent1")
    expect(page.locator(f"tr.queue-item[data-draft='{seeded.draft_id}'] .buyer-text")).to_have_text(
        "這件外套有XL嗎？什麼時候到貨"
    )
    page.goto(f"/agent/draft/{seeded.draft_id}")
    page.locator("#edit-text").fill("親，保證明天一定到貨！")
    expect(page.locator("#policy-reasons li").first).to_be_visible()
    expect(page.locator("#do-edit")).to_be_disabled()


def test_follow_up_tasks_are_claimed_once_and_closed_with_a_note(pages, console_server):
    url = console_server.db_url
    with session_scope(url) as session:
        task_id = follow_ups.ensure_follow_up(
            reason="tracking_stale", order_id="5021873340003", session=session
        ).id
    first, second = pages.signed_in("agent1"), pages.signed_in("agent2")
    for page in (first, second):
        page.goto("/agent/follow-ups")
    first.locator(f"tr.follow-up[data-task='{task_id}'] button.claim").click()
    expect(first.locator(f"tr.follow-up[data-task='{task_id}'] .claimed")).to_have_text("web:agent1")
    second.locator(f"tr.follow-up[data-task='{task_id}'] button.claim").click()  # a stale page
    expect(second.locator(".flash.error")).to_contain_text("已被其他客服认领")
    row = first.locator(f"tr.follow-up[data-task='{task_id}']")
    row.locator("input[name=note]").fill("已联系快递，明天送达")
    row.locator(".close-task button").click()
    expect(first.locator(".flash")).to_contain_text("任务已完成")
    expect(first.locator(f"tr.follow-up[data-task='{task_id}']")).to_have_count(0)
    with session_scope(url) as session:
        task = session.get(FollowUpTask, task_id)
        assert (task.claimed_by, task.done_by, task.note) == (
            "web:agent1",
            "web:agent1",
            "已联系快递，明天送达",
        )


def test_a_reply_to_a_simulator_chat_is_sent_at_once_not_left_waiting_for_telegram(pages, console_server):
    """The simulator's buyer is the trainer at the terminal (bot/simulate.py reads the reply from the
    database): no gateway outbox delivers that channel, so the reply must not stay "待投递" forever."""
    url = console_server.db_url
    seeded = buyer_message(url, "模拟器里问的：M码还是L码", channel="simulator")
    page = pages.signed_in("agent1")
    page.goto(f"/agent/draft/{seeded.draft_id}")
    page.keyboard.press("s")
    expect(page.locator(".flash")).to_contain_text("已发送")
    assert outbound_texts(url, seeded.draft_id) == [("亲，您好，M码合适的哦", "sent")]
    page.goto(f"/agent/draft/{seeded.draft_id}")
    reply = page.locator("li.line.shop", has_text="亲，您好，M码合适的哦")
    expect(reply).to_have_count(1)
    expect(reply).not_to_contain_text("待投递")
