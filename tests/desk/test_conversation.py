"""desk.conversation: which stored message is which bot command (read once), and the state
machine driven through its Front protocol by a front end that is not Telegram."""

import asyncio
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from desk import conversation, store, texts
from desk.conversation import COMMANDS, Command, parse_command
from desk.rasa_client import RasaClient
from desk.routing import load_routing
from shop.store.policy_context import ShopWideCache
from stack.settings import Settings
from tests.fakes.rasa import FakeRasa, Turn


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("text", "/start", Command("start", "")),
        ("text", "/start@mumian_bot", Command("start", "")),
        ("text", "/LINK  5021873340002 3821 ", Command("link", "5021873340002 3821")),
        ("text", "/link\n5021873340002 3821", Command("link", "5021873340002 3821")),
        ("text", "/unlink", Command("unlink", "")),
        ("text", "/restart", Command("restart", "")),  # not ours: COMMANDS leaves it to the model
        ("text", "你好 /start", None),
        ("text", "", None),
        ("photo", "/start", None),  # a caption is no command
    ],
)
def test_a_command_is_read_once_with_its_arguments(kind: str, text: str, expected: Command | None) -> None:
    assert parse_command(kind, text) == expected


def test_each_of_the_bots_commands_has_its_own_handler() -> None:
    assert set(COMMANDS) == {"start", "link", "unlink"}
    assert len(set(COMMANDS.values())) == 3


# --- the state machine driven by a front end that is not Telegram ------------------------

MONDAY_10 = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai: business hours
GREETING = "亲，您好呀～"


class RecordingFront:
    """A front end that only records what the state machine asks of it (desk.conversation.Front)."""

    channel = "console"

    def __init__(self, engine: Engine, rasa_url: str) -> None:
        self.engine = engine
        self.settings = Settings(rasa_urls=(rasa_url,), holding_after_s=3600.0)
        self.routing = load_routing(Path(__file__).parents[1] / "bot" / "routing.yml")
        self.rasa = RasaClient((rasa_url,), timeout_s=5)
        self.shop_wide = ShopWideCache()
        self.outage_notified: set[str] = set()
        self.sent: list[str] = []
        self.cards: list[int] = []
        self.drafts: list[tuple[int, object]] = []
        self.timers: list[asyncio.Task[None]] = []
        self.now = MONDAY_10

    def clock(self) -> datetime:
        return self.now

    async def db(self, work, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            return work(session, *args, **kwargs)

    async def db_until_done(self, work, *args):  # noqa: ANN001, ANN002, ANN201
        return await self.db(work, *args)

    def rasa_sender(self, chat_id: str) -> str:
        return f"console-{chat_id}"

    async def send_to_buyer(self, chat_id: str, conversation_id: int, text: str, *, draft_id=None) -> bool:  # noqa: ANN001
        self.sent.append(text)
        return True

    def drafted(self, draft_id: int, draft) -> None:  # noqa: ANN001
        self.drafts.append((draft_id, draft))

    async def post_card(self, draft_id: int) -> bool:
        self.cards.append(draft_id)
        return True

    async def notify_agents(self, text: str) -> None:
        pass

    async def card_overdue(self, draft_id: int) -> None:
        pass

    def arm(self, draft_id: int, task: asyncio.Task[None]) -> None:
        self.timers.append(task)


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    rasa = FakeRasa().start()
    yield rasa
    rasa.stop()


async def test_a_front_end_without_telegram_drives_the_conversation(
    engine: Engine, fake_rasa: FakeRasa
) -> None:
    fake_rasa.script["你好"] = Turn("greet", 0.99, [GREETING])
    fake_rasa.script["我要转人工"] = Turn(
        "request_human", 0.97, ["好的亲"], meta={"handoff": True, "handoff_reason": "request_human"}
    )
    front = RecordingFront(engine, fake_rasa.url)

    async def says(text: str, key: int) -> None:
        await front.db(
            lambda s: store.record_inbound(
                channel="console",
                update_key=key,
                chat_id="c1",
                user_id="u1",
                text=text,
                session=s,
                now=front.now,
            )
        )
        assert await conversation.handle_next(front, "c1")
        assert not await conversation.handle_next(front, "c1")  # one message, handled once

    try:
        await says("/start", 1)
        await says("你好", 2)
        assert front.sent == [texts.buyer("welcome"), GREETING] and front.cards == []
        await says("我要转人工", 3)
        assert front.sent[-1] == texts.buyer("human_soon", minutes=5) and len(front.cards) == 1
        await says("你好", 4)  # human mode: drafted for the agents' card, nothing sent
        assert len(front.sent) == 3 and len(front.cards) == 2
        assert fake_rasa.texts() == ["你好", "我要转人工", "你好"]
    finally:
        for task in front.timers:
            task.cancel()
        await front.rasa.aclose()


async def test_the_front_end_sees_each_draft_as_the_desk_stored_it(
    engine: Engine, fake_rasa: FakeRasa
) -> None:
    """`Front.drafted`: a draft held because an earlier one waits is reported held, as its row says."""
    fake_rasa.script["衣服破了"] = Turn("complain", 0.95, ["非常抱歉～"])
    fake_rasa.script["你好"] = Turn("greet", 0.99, [GREETING])
    front = RecordingFront(engine, fake_rasa.url)
    try:
        for key, text in enumerate(["衣服破了", "你好"], 1):
            await front.db(
                lambda s, k=key, t=text: store.record_inbound(
                    channel="console",
                    update_key=k,
                    chat_id="c1",
                    user_id="u1",
                    text=t,
                    session=s,
                    now=front.now,
                )
            )
            assert await conversation.handle_next(front, "c1")
        (complaint_id, complaint), (hello_id, hello) = front.drafts
        assert not complaint.auto_send and hello.decision.code == "earlier_waiting"
        assert not hello.auto_send and front.sent == [] and front.cards == [complaint_id, hello_id]
        with Session(engine) as session:
            assert store.get_draft(hello_id, session=session).auto_send is False
    finally:
        for task in front.timers:
            task.cancel()
        await front.rasa.aclose()
