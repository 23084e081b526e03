"""The terminal simulator's interactive loop: Ctrl-D ends it cleanly at any prompt."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot import simulate
from bot.routing import RouteDecision
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

    async def handle(self, text: str) -> SimpleNamespace:
        # A draft that waits for the agent, as an order question without a linked order would.
        return SimpleNamespace(
            intent="ask_order_status",
            confidence=0.5,
            replies=["亲，帮您查一下～"],
            violations=[],
            auto_send=False,
            decision=RouteDecision(auto_send=False, code="never_auto", params={"intent": "ask_order_status"}),
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
