"""The simulator is a front end of the desk (issue 20): every simulated message is stored,
drafted, routed, linked and put in the trainer inbox by desk/conversation.py, as Telegram's
are, and you as the agent act through desk/agent_actions.py.

`python -m bot.simulate` is run in-process (`main`) against a fake Rasa and the demo shop,
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot import simulate
from desk import inbox, texts
from desk.drafts import OPEN
from shop.models import (
    AgentDecision,
    Conversation,
    Draft,
    FollowUpTask,
    InboundMessage,
    OrderItem,
    OutboundMessage,
    ReturnRequest,
)
from stack.upstream import write_upstream
from tests.fakes.rasa import FakeRasa, Turn

ROUTING_FILE = Path(__file__).with_name("routing.yml")  # fixed thresholds (tests/bot/conftest.py)
UNAVAILABLE = {
    "intent": None,
    "confidence": 0.0,
    "replies": [],
    "auto_send": False,
    "handoff": True,
    "policy_violations": [],
}
KEYS = {"text", "intent", "confidence", "replies", "auto_send", "handoff", "policy_violations"}


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    rasa = FakeRasa().start()
    yield rasa
    rasa.stop()


@pytest.fixture
def sim_env(demo, db_url: str, fake_rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`bot.simulate` reaches the fake Rasa and the test's demo shop, with no web console beside."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))  # run files (upstream.json) of this test's own
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("RASA_URL", fake_rasa.url)
    monkeypatch.setenv("ROUTING_FILE", str(ROUTING_FILE))
    monkeypatch.setenv("CONSOLE", "0")
    monkeypatch.delenv("RASA_TOKEN", raising=False)


@pytest.fixture
def run_json(sim_env, monkeypatch: pytest.MonkeyPatch, capsys) -> Callable[..., list[dict]]:
    def run(lines: list[str], *, buyer: str = "tb_linlin") -> list[dict]:
        monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
        assert simulate.main(["--json", "--buyer", buyer]) == 0
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    return run


@pytest.fixture
def run_interactive(sim_env, monkeypatch: pytest.MonkeyPatch, capsys) -> Callable[..., str]:
    """Types `answers` at the prompts (buyer's and agent's alike), then Ctrl-D; returns what was shown.
    A callable answer is called at its prompt (what happens meanwhile) and types what it returns."""

    def run(answers: list[str | Callable[[], str]], *, buyer: str = "tb_linlin") -> str:
        pending = list(answers)

        def fake_input(prompt: str = "") -> str:
            if not pending:
                raise EOFError
            answer = pending.pop(0)
            return answer() if callable(answer) else answer

        monkeypatch.setattr("builtins.input", fake_input)
        assert simulate.main(["--buyer", buyer]) == 0
        assert pending == [], "every answer was asked for"
        return capsys.readouterr().out

    return run


def _inbox(engine: Engine) -> list[tuple[str, str, str | None, str | None, str | None]]:
    with Session(engine) as session:
        return [
            (i.text, i.reason, i.model_intent, i.runner_up_intent, i.agent_intent)
            for i in inbox.list_items(session=session)
        ]


def _drafts(engine: Engine) -> list[Draft]:
    with Session(engine) as session:
        stmt = (
            select(Draft)
            .join(Conversation, Conversation.id == Draft.conversation_id)
            .where(Conversation.channel == "simulator")
            .order_by(Draft.id)
        )
        return list(session.scalars(stmt))


# --- the trainer inbox, fed by the simulator ---------------------------------------------


def test_a_simulated_low_confidence_or_unhandled_message_is_in_the_trainer_inbox(
    run_json, fake_rasa: FakeRasa, engine: Engine
) -> None:
    unsure = Turn("ask_fabric_care", 0.41, ["亲，这款建议手洗哦～"], runner_up=("ask_size", 0.3))
    fake_rasa.script["这件洗了会怎样呢"] = unsure
    fake_rasa.script["這件洗了會怎樣呢"] = unsure
    records = run_json(["这件洗了会怎样呢", "這件洗了會怎樣呢", "嗯嗯那个那个"])  # the last one: nobody's
    assert [(r["intent"], r["auto_send"]) for r in records] == [
        ("ask_fabric_care", False),
        ("ask_fabric_care", False),
        ("nlu_fallback", False),
    ]
    assert _inbox(engine) == [
        ("这件洗了会怎样呢", "low_confidence", "ask_fabric_care", "ask_size", None),
        ("這件洗了會怎樣呢", "low_confidence", "ask_fabric_care", "ask_size", None),
        ("嗯嗯那个那个", "unhandled", "nlu_fallback", None, None),
    ]


def test_a_simulated_reject_with_the_right_intent_is_in_the_trainer_inbox(
    run_interactive, fake_rasa: FakeRasa, engine: Engine
) -> None:
    fake_rasa.script["衣服收到有个洞"] = Turn("complain", 0.9, ["非常抱歉给您添麻烦了～"])
    # The buyer's message; you reject the draft and pick the intent it should have been.
    out = run_interactive(["衣服收到有个洞", "r", "request_return"])
    assert texts.text("simulator.rejected") in out
    assert _inbox(engine) == [("衣服收到有个洞", "rejected", "complain", None, "request_return")]
    (draft,) = _drafts(engine)
    assert draft.state == "rejected"
    with Session(engine) as session:
        actions = session.scalars(select(AgentDecision.action).where(AgentDecision.draft_id == draft.id))
        assert list(actions) == ["reject", "teach"]


def test_an_intent_is_picked_by_its_number_and_a_wrong_pick_is_asked_again(
    run_interactive, fake_rasa: FakeRasa, engine: Engine
) -> None:
    fake_rasa.script["衣服收到有个洞"] = Turn("complain", 0.9, ["非常抱歉给您添麻烦了～"])
    out = run_interactive(["衣服收到有个洞", "r", "no_such_intent", "8"])  # 8: request_return
    assert texts.text("simulator.unknown_intent") in out
    assert _inbox(engine) == [("衣服收到有个洞", "rejected", "complain", None, "request_return")]


def test_a_heavy_edit_in_the_simulator_is_in_the_trainer_inbox_and_reaches_the_buyer(
    run_interactive, fake_rasa: FakeRasa, engine: Engine
) -> None:
    fake_rasa.script["衣服收到有个洞"] = Turn("complain", 0.9, ["非常抱歉给您添麻烦了～"])
    fixed = "亲，麻烦拍一下破洞的照片发给我们，我们马上为您处理退换～"
    out = run_interactive(["衣服收到有个洞", "e", fixed])
    assert f"{texts.text('simulator.sent_label')} {fixed}" in out
    assert _inbox(engine) == [("衣服收到有个洞", "edited", "complain", None, None)]
    (draft,) = _drafts(engine)
    assert draft.state == "sent"
    with Session(engine) as session:
        sent = session.scalars(select(OutboundMessage.text).where(OutboundMessage.draft_id == draft.id))
        assert list(sent) == [fixed]


# --- the desk's rules, not copies ---------------------------------------------------------


def test_every_simulated_message_is_stored_and_answered_in_order(
    run_json, fake_rasa: FakeRasa, engine: Engine
) -> None:
    fake_rasa.script["你好"] = Turn("greet", 0.99, ["亲，您好呀～"])
    fake_rasa.script["有L码吗"] = Turn("ask_stock", 0.97, ["亲，L码有货哦"])
    fake_rasa.script["我的快递呢"] = Turn("ask_order_status", 0.5, ["亲，帮您查一下～"])
    lines = ["你好", "我的快递呢", "有L码吗", "", "你好"]
    records = run_json(lines)
    assert [r["text"] for r in records] == ["你好", "我的快递呢", "有L码吗", "你好"]
    assert all(set(r) == KEYS for r in records)
    # The held order question does not hold the stock answer back: nobody answers in --json.
    assert [r["auto_send"] for r in records] == [True, False, True, True]
    with Session(engine) as session:
        inbound = session.scalars(
            select(InboundMessage).where(InboundMessage.channel == "simulator").order_by(InboundMessage.id)
        ).all()
        assert [(m.text, m.status) for m in inbound] == [(t, "done") for t in lines if t]
        # An empty line starts a new conversation: a new chat, a new Rasa tracker.
        assert len({m.chat_id for m in inbound}) == 2
        sent = session.scalars(select(OutboundMessage.text).where(OutboundMessage.channel == "simulator"))
        assert sorted(sent) == sorted(["亲，您好呀～", "亲，L码有货哦", "亲，您好呀～"])
    assert len({r["sender"] for r in fake_rasa.received}) == 2
    # Nothing is left waiting for an agent once the run is over.
    assert [d.state for d in _drafts(engine) if d.state in OPEN] == []


def test_linking_by_command_or_free_text_is_the_desks_and_never_rasas(
    run_json, fake_rasa: FakeRasa, engine: Engine
) -> None:
    wrong, right, command, unlink = run_json(
        [
            "订单号1234567890123 手机尾号5678",
            "訂單號5021873340003 手機尾號3821",
            "/link 5021873340003 3821",
            "/unlink",
        ]
    )
    assert fake_rasa.requests == []
    for record in (wrong, right, command, unlink):
        assert set(record) == KEYS and record["intent"] is None and not record["handoff"], record
        assert record["auto_send"] and len(record["replies"]) == 1, record
    assert wrong["replies"] == [texts.buyer("link_failed", left=4)]
    assert right["replies"] == command["replies"] == [texts.buyer("link_ok")]
    assert unlink["replies"] == [texts.buyer("unlinked")]


def test_human_mode_is_the_desks(run_json, fake_rasa: FakeRasa, engine: Engine) -> None:
    fake_rasa.script["我要转人工"] = Turn(
        "request_human", 0.97, ["好的亲"], meta={"handoff": True, "handoff_reason": "request_human"}
    )
    fake_rasa.script["你好"] = Turn("greet", 0.99, ["亲，您好呀～"])
    ask, hello, hello_again = run_json(["我要转人工", "你好", "", "你好"])
    assert (ask["auto_send"], ask["handoff"]) == (True, True) and ask["replies"] != ["好的亲"]
    assert hello["replies"] == ["亲，您好呀～"] and not hello["auto_send"]  # drafted for the agent only
    assert hello_again["auto_send"]  # a new conversation starts with the bot
    with Session(engine) as session:
        modes = session.scalars(
            select(Conversation.mode).where(Conversation.channel == "simulator").order_by(Conversation.id)
        )
        assert list(modes) == ["human", "bot"]


def test_a_draft_asking_for_a_follow_up_opens_the_desks_task(run_json, fake_rasa: FakeRasa, engine) -> None:
    fake_rasa.script["5021873340006怎么一直没动静"] = Turn(
        "ask_order_status",
        0.95,
        ["亲，非常抱歉，我们马上联系快递～"],
        meta={
            "handoff": True,
            "handoff_reason": "tracking_stale",
            "follow_ups": [{"order_id": "5021873340006", "reason": "tracking_stale"}],
        },
    )
    (record,) = run_json(["5021873340006怎么一直没动静"])
    assert record["handoff"] and not record["auto_send"]
    with Session(engine) as session:
        tasks = session.scalars(select(FollowUpTask.reason).where(FollowUpTask.order_id == "5021873340006"))
        assert list(tasks) == ["tracking_stale"]


@pytest.mark.parametrize("outage", ["rasa_down", "rasa_fails_on_it"])
def test_a_rasa_outage_still_gives_the_unavailable_record(
    run_json, fake_rasa: FakeRasa, engine: Engine, outage: str
) -> None:
    fake_rasa.script["你好"] = Turn("greet", 0.99, ["亲，您好呀～"])
    if outage == "rasa_down":
        fake_rasa.actions_down = True
    else:
        fake_rasa.failing.add("这件有货吗")
    records = run_json(["这件有货吗"] if outage == "rasa_down" else ["这件有货吗", "你好"])
    assert records[0] == {"text": "这件有货吗", **UNAVAILABLE}
    if outage == "rasa_fails_on_it":  # the next message is answered as usual
        assert records[1]["replies"] == ["亲，您好呀～"]
    # The message is kept for an agent: nothing is lost.
    assert [(d.texts, d.state) for d in _drafts(engine)][0] == ([], "superseded")


# --- you as the agent --------------------------------------------------------------------


@pytest.mark.parametrize("answers", [["我的快递呢"], []], ids=["at the agent prompt", "at the buyer prompt"])
def test_ctrl_d_ends_the_session_without_a_traceback(
    run_interactive, fake_rasa: FakeRasa, engine: Engine, answers: list[str]
) -> None:
    fake_rasa.script["我的快递呢"] = Turn("ask_order_status", 0.5, ["亲，帮您查一下～"])
    out = run_interactive(answers)
    if answers:
        assert "亲，帮您查一下～" in out
        # The buyer left with the draft unanswered: nobody will act on it any more.
        assert [d.state for d in _drafts(engine)] == ["superseded"]


def _file_on_send(engine: Engine) -> dict:
    with Session(engine) as s:
        item_id = s.scalars(select(OrderItem.id).where(OrderItem.order_id == "5021873340004")).first()
    pending = {"order_item_id": item_id, "order_id": "5021873340004", "kind": "return", "reason": "no_reason"}
    return {"facts": {"file_on_send": pending}}


def _requests(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(ReturnRequest))


def test_enter_on_an_unsure_confirmation_files_the_return(run_interactive, fake_rasa, engine) -> None:
    """Issue 16 item 6 in the simulator: the agent's Enter is the Send that files the return."""
    fake_rasa.script["好的"] = Turn("affirm", 0.6, ["好的亲，已经提交～"], meta=_file_on_send(engine))
    out = run_interactive(["好的", "", "r", ""], buyer="tb_newbie")  # not her order: nothing filed or sent
    assert _requests(engine) == 0 and texts.text("simulator.return_not_filed") in out
    assert texts.text("simulator.sent_label") not in out

    out = run_interactive(["好的", ""], buyer="tb_linlin")
    assert _requests(engine) == 1 and f"{texts.text('simulator.sent_label')} 好的亲，已经提交～" in out


def test_an_edit_the_policy_refuses_is_never_replaced_by_the_original_draft(
    run_interactive, fake_rasa: FakeRasa, engine: Engine
) -> None:
    """Issue 19: after a refused edit, Enter sent the original draft and nothing said the edit was lost."""
    fake_rasa.script["大衣有货吗"] = Turn("ask_stock", 0.5, ["亲，这款大衣有货哦～"])
    # edit, refused; Enter gives the edit up; reject (no intent picked)
    out = run_interactive(["大衣有货吗", "e", "保证明天一定到货！", "", "r", ""])
    assert texts.text("simulator.edit_refused") in out and texts.text("simulator.edit_discarded") in out
    assert texts.text("simulator.sent_label") not in out and texts.text("simulator.rejected") in out
    with Session(engine) as session:  # the refused text is kept as the agent's proposal, as on Telegram
        proposed = session.scalars(select(AgentDecision.text).where(AgentDecision.action == "edit"))
        assert list(proposed) == ["保证明天一定到货！"]

    fixed = "亲，这款大衣有货，下单后48小时内发货～"
    out = run_interactive(["大衣有货吗", "e", "保證明天一定到貨！", fixed])  # refused, then fixed
    assert f"{texts.text('simulator.sent_label')} {fixed}" in out
    assert f"{texts.text('simulator.sent_label')} 亲，这款大衣有货哦～" not in out


def test_an_auto_sent_answer_asks_nothing_of_the_agent(run_interactive, fake_rasa: FakeRasa) -> None:
    fake_rasa.script["你好"] = Turn("greet", 0.99, ["亲，您好呀～"])
    out = run_interactive(["你好"])
    assert f"{texts.text('simulator.auto_sent_label')} 亲，您好呀～" in out


def test_the_simulator_shows_each_part_of_a_message_answered_in_parts(capsys) -> None:
    from desk.pipeline import build_draft, combine_drafts
    from desk.rasa_client import RasaTurn
    from desk.routing import parse_routing

    routing = parse_routing({"intents": {"ask_stock": {"auto_send": True, "threshold": 0.5}}})
    drafts = [
        build_draft(
            RasaTurn(text, intent, conf, messages=[{"text": reply}]), routing=routing, check_context=None
        )
        for text, intent, conf, reply in (
            ("有L码吗", "ask_stock", 0.97, "亲，L码有货哦"),
            ("能开发票吗", "ask_invoice", 0.91, "亲，可以开发票的～"),
        )
    ]
    simulate.show_draft(combine_drafts(drafts, text="有L码吗 能开发票吗", check_context=None))
    shown = capsys.readouterr().out
    assert "ask_stock 0.97 · ask_invoice 0.91" in shown
    assert "亲，L码有货哦\n另外，可以开发票的～" in shown


def test_your_own_reply_in_human_mode_keeps_the_chat_with_you(
    run_interactive, fake_rasa: FakeRasa, engine: Engine
) -> None:
    fake_rasa.script["我要转人工"] = Turn(
        "request_human", 0.97, ["好的亲"], meta={"handoff": True, "handoff_reason": "request_human"}
    )
    fake_rasa.script["你好"] = Turn("greet", 0.99, ["亲，您好呀～"])
    mine = "亲，我是客服小美，请问有什么可以帮您？"
    out = run_interactive(["我要转人工", "你好", "e", mine])
    assert f"{texts.text('simulator.sent_label')} {mine}" in out
    with Session(engine) as session:
        (mode,) = session.scalars(select(Conversation.mode).where(Conversation.channel == "simulator"))
        decisions = session.execute(select(AgentDecision.action, AgentDecision.text)).all()
    assert mode == "human" and [tuple(d) for d in decisions] == [("send", mine)]
    assert _inbox(engine) == []  # an agent's own words in human mode teach the model nothing


def test_a_web_agents_answer_to_the_simulated_buyer_is_shown_at_the_terminal(
    run_interactive, fake_rasa: FakeRasa, engine: Engine
) -> None:
    """Issue 20: the console beside the simulator answered the draft first; the terminal's buyer sees the reply."""
    from console import desk_work
    from console.accounts import Person
    from shop.models import OutboundMessage, utcnow

    fake_rasa.script["大衣有货吗"] = Turn("ask_stock", 0.5, ["亲，这款大衣有货哦～"])
    web_agent = Person(id=1, username="agent1", display_name="小王", role="agent")

    def web_agent_sends_first() -> str:
        with Session(engine) as session, session.begin():
            draft_id = _drafts(engine)[-1].id
            assert desk_work.send_as_is(web_agent, draft_id, session=session, now=utcnow()).ok
        return ""  # then the terminal's agent presses Enter

    out = run_interactive(["大衣有货吗", web_agent_sends_first])
    assert texts.text("simulator.already_handled") in out
    assert f"{texts.text('simulator.sent_label')} 亲，这款大衣有货哦～" in out
    with Session(engine) as session:
        statuses = session.scalars(
            select(OutboundMessage.status).where(OutboundMessage.channel == "simulator")
        )
        assert list(statuses) == ["sent"]  # never left "queued" for an outbox that does not deliver it


def test_a_model_promoted_while_the_simulator_runs_answers_the_next_message(
    run_interactive, fake_rasa: FakeRasa, tmp_path: Path
) -> None:
    """The trainer's promote (console or ./trainer.sh, beside `make demo`) starts a server with the new
    model, switches var/run/upstream.json and stops the old server: the simulator follows, as the gateway does."""
    fake_rasa.script["你好"] = Turn("greet", 0.99, ["亲，您好呀～"])
    promoted = FakeRasa().start()
    promoted.script["你好"] = Turn("greet", 0.99, ["亲，新模型向您问好～"])

    def promote() -> str:
        write_upstream(tmp_path / "var" / "run" / "upstream.json", [promoted.url], pids=[os.getpid()])
        fake_rasa.stop()
        return "你好"

    try:
        out = run_interactive(["你好", promote])
    finally:
        promoted.stop()
    assert f"{texts.text('simulator.auto_sent_label')} 亲，您好呀～" in out
    assert f"{texts.text('simulator.auto_sent_label')} 亲，新模型向您问好～" in out
    assert promoted.texts() == ["你好"]


def test_with_rasa_down_you_answer_the_buyer_yourself_and_nothing_is_lost(
    run_interactive, fake_rasa: FakeRasa, engine: Engine
) -> None:
    """What `make demo` shows when the model cannot answer: no draft, why, and Enter cannot send nothing."""
    fake_rasa.actions_down = True
    mine = "亲，这款有货的，今天拍下48小时内发货～"
    out = run_interactive(["這件有貨嗎", "", "e", mine])  # Enter first: refused, with what to do instead
    assert texts.text("simulator.no_draft") in out
    assert texts.text("route_reasons.rasa_unavailable", attempts=1) in out
    assert texts.text("simulator.cannot_send_as_is") in out
    assert f"{texts.text('simulator.sent_label')} {mine}" in out
    (draft,) = _drafts(engine)
    assert (draft.texts, draft.state) == ([], "sent")
    with Session(engine) as session:
        inbound = session.scalars(select(InboundMessage.status).where(InboundMessage.channel == "simulator"))
        sent = session.scalars(select(OutboundMessage.text).where(OutboundMessage.draft_id == draft.id))
        assert (list(inbound), list(sent)) == (["done"], [mine])


@pytest.mark.parametrize("where", ["at the agent prompt", "at the buyer prompt"])
def test_ctrl_c_stops_the_simulator_and_leaves_no_draft_waiting(
    sim_env, fake_rasa: FakeRasa, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys, where: str
) -> None:
    """README: Ctrl-C stops everything; the draft you left is not left in the web console's queue."""
    fake_rasa.script["我的快递呢"] = Turn("ask_order_status", 0.5, ["亲，帮您查一下～"])
    answers = ["我的快递呢"] if where == "at the agent prompt" else ["我的快递呢", "r", ""]

    def typed(prompt: str = "") -> str:
        if not answers:
            raise KeyboardInterrupt
        return answers.pop(0)

    monkeypatch.setattr("builtins.input", typed)
    assert simulate.main(["--buyer", "tb_linlin"]) == 130
    assert "Traceback" not in capsys.readouterr().err
    assert [d.state for d in _drafts(engine) if d.state in OPEN] == []


def test_start_gets_the_shops_welcome_from_the_desk(run_json, fake_rasa: FakeRasa) -> None:
    (record,) = run_json(["/start"])
    assert record["replies"] == [texts.buyer("welcome")] and record["auto_send"]
    assert fake_rasa.requests == []
