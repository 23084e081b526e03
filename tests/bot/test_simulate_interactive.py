"""The terminal simulator's interactive loop: Ctrl-D ends it cleanly at any prompt."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot import simulate
from desk import texts
from desk.routing import RouteDecision
from shop.policy import CheckContext


class FakeSession:
    buyer = "tb_linlin"
    check_context = CheckContext()

    def __init__(self) -> None:
        self.closed = False
        self.client = SimpleNamespace(aclose=self._close)

    async def _close(self) -> None:
        self.closed = True

    def new_conversation(self) -> None:
        pass

    def link(self, text: str) -> None:
        return None  # no message here is the linking format

    async def handle(self, text: str) -> SimpleNamespace:
        # A draft that waits for the agent, as an order question without a linked order would.
        return SimpleNamespace(
            intent="ask_order_status",
            confidence=0.5,
            replies=["亲，帮您查一下～"],
            violations=[],
            auto_send=False,
            decision=RouteDecision(auto_send=False, code="never_auto", params={"intent": "ask_order_status"}),
            parts=[],  # one question (RoutedDraft.parts)
        )


@pytest.mark.parametrize(
    "answers", [["我的快递到哪了"], []], ids=["at the agent prompt", "at the buyer prompt"]
)
def test_ctrl_d_ends_the_session_without_a_traceback(monkeypatch, capsys, answers: list[str]) -> None:
    pending = list(answers)

    def fake_input(prompt: str = "") -> str:
        if not pending:
            raise EOFError
        return pending.pop(0)

    monkeypatch.setattr("builtins.input", fake_input)
    session = FakeSession()
    simulate.run_interactive(session)  # type: ignore[arg-type]
    assert session.closed
    if answers:
        assert "亲，帮您查一下～" in capsys.readouterr().out


def test_enter_on_an_unsure_confirmation_files_the_return(monkeypatch, capsys, demo, engine, db_url) -> None:
    """Issue 16 item 6 in the simulator: the agent's Enter is the Send that files the return."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from shop.models import OrderItem, ReturnRequest

    monkeypatch.setenv("DATABASE_URL", db_url)
    with Session(engine) as s:
        item_id = s.scalars(select(OrderItem.id).where(OrderItem.order_id == "5021873340004")).first()
    pending = {"order_item_id": item_id, "order_id": "5021873340004", "kind": "return", "reason": "no_reason"}
    draft = SimpleNamespace(
        replies=["好的亲，已经提交～"], violations=[], meta={"facts": {"file_on_send": pending}}
    )

    def requests() -> int:
        with Session(engine) as s:
            return s.scalar(select(func.count()).select_from(ReturnRequest))

    answers = ["", "r"]  # Enter, then (refused) reject
    monkeypatch.setattr("builtins.input", lambda prompt="": answers.pop(0))
    simulate.agent_turn(draft, CheckContext(), buyer="tb_newbie")  # not her order: nothing filed or sent
    out = capsys.readouterr().out
    assert (
        requests() == 0
        and "好的亲，已经提交～" not in out
        and texts.text("simulator.return_not_filed") in out
    )

    answers[:] = [""]
    simulate.agent_turn(draft, CheckContext(), buyer="tb_linlin")
    assert requests() == 1 and "好的亲，已经提交～" in capsys.readouterr().out


def test_an_edit_the_policy_refuses_is_never_replaced_by_the_original_draft(monkeypatch, capsys) -> None:
    """Issue 19: after a refused edit, Enter sent the original draft and nothing said the edit was lost."""
    draft = SimpleNamespace(replies=["亲，这款大衣有货哦～"], violations=[], meta={})
    answers = ["e", "保证明天一定到货！", "", "r"]  # edit, refused; Enter gives the edit up; reject
    monkeypatch.setattr("builtins.input", lambda prompt="": answers.pop(0))
    simulate.agent_turn(draft, CheckContext())
    out = capsys.readouterr().out
    assert texts.text("simulator.edit_refused") in out and texts.text("simulator.edit_discarded") in out
    assert texts.text("simulator.sent_label") not in out and texts.text("simulator.rejected") in out
    assert answers == []

    answers[:] = ["e", "保證明天一定到貨！", "亲，这款大衣有货，下单后48小时内发货～"]  # refused, then fixed
    simulate.agent_turn(draft, CheckContext())
    out = capsys.readouterr().out
    assert f"{texts.text('simulator.sent_label')} 亲，这款大衣有货，下单后48小时内发货～" in out
    assert "亲，这款大衣有货哦～" not in out


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
