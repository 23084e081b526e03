"""The trainers' inbox in a real browser: label with the intent picker, the CLI's refusals, add a phrasing."""

from __future__ import annotations

from playwright.sync_api import expect

from desk import inbox
from shop.db.engine import session_scope
from shop.models.training import TrainerInboxItem
from tests.console.seed import audit_rows
from trainer.nludata import load_all


def _item(url: str, text: str, intent: str = "ask_size") -> int:
    with session_scope(url) as session:
        return inbox.add_item(
            text=text, reason="low_confidence", model_intent=intent, confidence=0.41, session=session
        ).id


def _status(url: str, item_id: int) -> str:
    with session_scope(url) as session:
        return session.get(TrainerInboxItem, item_id).status


def _examples(project) -> list[tuple[str, str]]:
    return [(e.text, e.intent) for e in load_all(sorted(project.nlu_dir.glob("*.yml")))]


def test_a_trainer_labels_an_inbox_item_into_the_training_data(pages, console_server):
    url, project = console_server.db_url, console_server.project
    item_id = _item(url, "这条裙子腰围偏大要不要换小一号呢")
    page = pages.signed_in("trainer1")
    row = page.locator(f"tr.inbox-item[data-item='{item_id}']")
    expect(row).to_contain_text("这条裙子腰围偏大要不要换小一号呢")
    # The picker shows an example of each intent beside its name.
    assert " — " in row.locator("option[value=complain]").inner_text()
    row.locator("select.intent-picker").select_option("ask_size")
    row.locator("button.label-item").click()
    expect(page.locator(".flash")).to_contain_text("已标注为 ask_size")
    assert _status(url, item_id) == "labelled"
    assert ("这条裙子腰围偏大要不要换小一号呢", "ask_size") in _examples(project)
    assert audit_rows(url, f"inbox:{item_id}") == [("trainer1", "label")]
    expect(page.locator(f"tr.inbox-item[data-item='{item_id}']")).to_have_count(0)


def test_labelling_a_phrasing_already_filed_elsewhere_is_refused_and_stays_in_the_inbox(
    pages, console_server
):
    url, project = console_server.db_url, console_server.project
    existing, filed_under = next((t, i) for t, i in _examples(project) if i == "greet")
    item_id = _item(url, existing)
    page = pages.signed_in("trainer1")
    row = page.locator(f"tr.inbox-item[data-item='{item_id}']")
    row.locator("select.intent-picker").select_option("complain")
    row.locator("button.label-item").click()
    expect(page.locator(".flash.error").first).to_contain_text("未写入训练数据")
    expect(page.locator(".flash.error").nth(1)).to_contain_text(filed_under)
    assert _status(url, item_id) == "new"
    assert (existing, "complain") not in _examples(project)


def test_a_trainer_adds_a_phrasing(pages, console_server):
    project = console_server.project
    page = pages.signed_in("trainer1")
    page.fill(".add-phrasing input[name=text]", "羊毛大衣可以机洗吗会不会缩")
    page.select_option(".add-phrasing select[name=intent]", "ask_fabric_care")
    page.click(".add-phrasing button")
    expect(page.locator(".flash")).to_contain_text("已添加说法到 ask_fabric_care")
    assert ("羊毛大衣可以机洗吗会不会缩", "ask_fabric_care") in _examples(project)


def test_a_message_the_simulator_was_unsure_of_is_in_the_trainers_inbox(pages, console_server, monkeypatch):
    """Issue 20: the inbox is fed from every channel, the simulator's included."""
    import io
    import json
    import sys
    import threading

    from bot import simulate
    from tests.fakes.rasa import FakeRasa, Turn

    rasa = FakeRasa().start()
    rasa.script["这件羊毛的会扎人吗"] = Turn("ask_fabric_care", 0.35, ["亲，这款手感很柔软哦～"])
    monkeypatch.setenv("DATABASE_URL", console_server.db_url)
    monkeypatch.setenv("RASA_URL", rasa.url)
    monkeypatch.setenv("CONSOLE", "0")
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO("这件羊毛的会扎人吗\n"))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    codes: list[int] = []
    # A thread of its own: Playwright's sync API keeps an event loop running in this one.
    runner = threading.Thread(target=lambda: codes.append(simulate.main(["--json", "--buyer", "tb_linlin"])))
    try:
        runner.start()
        runner.join(timeout=60)
    finally:
        rasa.stop()
    assert codes == [0] and json.loads(out.getvalue())["intent"] == "ask_fabric_care"
    page = pages.signed_in("trainer1")
    row = page.locator("tr.inbox-item", has_text="这件羊毛的会扎人吗")
    expect(row).to_contain_text("没把握")
    expect(row).to_contain_text("ask_fabric_care")
