"""A small shop history with known numbers, written the way the gateway and the desk write it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from desk import store, texts
from desk.analytics.outcomes import EDITED, UNCHANGED, DraftOutcome
from desk.drafts import DraftState
from desk.routing import RouteDecision

SHANGHAI = ZoneInfo("Asia/Shanghai")
_keys = count(1)


def local(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A November 2026 moment on the shop's clock, as aware UTC."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SHANGHAI).astimezone(UTC)


def reason(code: str, **params: object) -> str:
    """The routing reason as the gateway stores it (the agents' wording)."""
    return texts.route_reason(RouteDecision(code == "auto", code, dict(params)))


class Shop:
    """Writes buyer messages, drafts, agent decisions and replies at given times."""

    def __init__(self, session: Session, *, channel: str = "telegram") -> None:
        self.session = session
        self.channel = channel  # "simulator": a trainer's test chat, not a buyer's

    def says(self, chat: str, at: datetime, text: str = "你好", *, kind: str = "text") -> int:
        inbound, _ = store.record_inbound(
            channel=self.channel,
            update_key=next(_keys),
            chat_id=chat,
            user_id=chat,
            kind=kind,
            text=text,
            session=self.session,
            now=at,
        )
        store.mark_inbound(inbound.id, "done", session=self.session, now=at)
        return inbound.id

    def desk_update(self, at: datetime) -> None:
        """An agents' group update: kept for the record, not a buyer's message."""
        inbound, _ = store.record_inbound(
            channel="telegram", update_key=next(_keys), chat_id="-100", user_id="9", text="send:1",
            session=self.session, now=at,
        )  # fmt: skip
        store.mark_inbound(inbound.id, "ignored", session=self.session, now=at)

    def draft(
        self,
        chat: str,
        inbound_id: int,
        at: datetime,
        *,
        intent: str | None,
        confidence: float | None,
        route: str,
        replies: tuple[str, ...] = ("亲，在的～",),
        auto: bool = False,
        handoff_reason: str | None = None,
    ) -> int:
        conv = store.ensure_conversation(self.channel, chat, chat, session=self.session, now=at)
        meta = {"handoff": handoff_reason is not None, "handoff_reason": handoff_reason}
        row = store.record_draft(
            conversation_id=conv.id,
            inbound_id=inbound_id,
            texts=list(replies),
            intent=intent,
            confidence=confidence,
            meta=meta,
            auto_send=auto,
            route_reason=route,
            session=self.session,
            now=at,
        )
        return row.id

    def sent(self, chat: str, at: datetime, text: str = "亲，在的～", draft_id: int | None = None) -> None:
        store.record_outbound(
            channel=self.channel, chat_id=chat, text=text, draft_id=draft_id, status="sent",
            session=self.session, now=at,
        )  # fmt: skip

    def auto_sent(self, chat: str, draft_id: int, at: datetime) -> None:
        self.sent(chat, at, draft_id=draft_id)
        assert store.claim_draft(draft_id, ["pending"], DraftState.SENT, session=self.session, now=at)

    def agent(self, chat: str, draft_id: int, at: datetime, action: str, text: str | None = None) -> None:
        """An agent's send (text None: unchanged), edit or reject, and the reply it sends."""
        target = DraftState.REJECTED if action == "reject" else DraftState.SENT
        assert store.claim_draft(draft_id, ["pending", "overdue"], target, session=self.session, now=at)
        store.record_decision(
            draft_id=draft_id, agent_user_id="42", action=action, text=text, session=self.session, now=at
        )
        if action != "reject":
            self.sent(chat, at, text or "亲，在的～", draft_id)

    def teach(self, draft_id: int, at: datetime, intent: str) -> None:
        store.record_decision(
            draft_id=draft_id, agent_user_id="42", action="teach", corrected_intent=intent,
            session=self.session, now=at,
        )  # fmt: skip

    def supersede(self, draft_id: int, at: datetime) -> None:
        assert store.claim_draft(draft_id, ["pending"], DraftState.SUPERSEDED, session=self.session, now=at)


def two_days(session: Session, *, channel: str = "telegram") -> None:
    """24-25 November (shop time): the history the dashboard tests know the numbers of."""
    shop = Shop(session, channel=channel)
    holding = texts.buyer("holding")
    # Chat A: an auto-sent greeting, an agent's unchanged send, two quick messages answered late.
    a1 = shop.says("A", local(24, 9))
    d = shop.draft("A", a1, local(24, 9), intent="greet", confidence=0.98, auto=True,
                   route=reason("auto", mode="bot_first", intent="greet", confidence=0.98, threshold=0.97))  # fmt: skip
    shop.auto_sent("A", d, local(24, 9, 0, 2))
    a2 = shop.says("A", local(24, 9, 10), "这件M码合适吗")
    d = shop.draft("A", a2, local(24, 9, 10), intent="ask_size", confidence=0.80,
                   route=reason("below_threshold", intent="ask_size", confidence=0.80, threshold=0.99))  # fmt: skip
    shop.agent("A", d, local(24, 9, 12), "send")
    a3 = shop.says("A", local(24, 9, 20), "还有货吗")
    d3 = shop.draft("A", a3, local(24, 9, 20), intent="ask_stock", confidence=0.60,
                    route=reason("below_threshold", intent="ask_stock", confidence=0.60, threshold=0.93))  # fmt: skip
    a4 = shop.says("A", local(24, 9, 20, 30), "我的快递怎么还没动")
    shop.supersede(d3, local(24, 9, 20, 30))
    d = shop.draft("A", a4, local(24, 9, 20, 30), intent="ask_order_status", confidence=0.97,
                   route=reason("handoff"), handoff_reason="tracking_stale")  # fmt: skip
    shop.sent("A", local(24, 9, 21, 30), holding, d)  # the holding message answers nothing
    shop.agent("A", d, local(24, 9, 25), "edit", "亲，已经帮您联系快递核实了～")
    # Chat B: a complaint rejected (and taught), then a message auto-answered; one just before midnight.
    b1 = shop.says("B", local(25, 14), "质量太差了")
    d = shop.draft("B", b1, local(25, 14), intent="complain", confidence=0.95,
                   route=reason("never_auto", intent="complain"))  # fmt: skip
    shop.agent("B", d, local(25, 14, 1), "reject")
    shop.teach(d, local(25, 14, 1), "complain")
    b2 = shop.says("B", local(25, 14, 5), "有L码吗")
    d = shop.draft("B", b2, local(25, 14, 5), intent="ask_stock", confidence=0.95, auto=True,
                   route=reason("auto", mode="bot_first", intent="ask_stock", confidence=0.95, threshold=0.93))  # fmt: skip
    shop.auto_sent("B", d, local(25, 14, 5, 1))
    b3 = shop.says("B", local(25, 23, 59), "160穿什么码")
    d = shop.draft("B", b3, local(25, 23, 59), intent="ask_size", confidence=0.99, auto=True,
                   route=reason("auto", mode="bot_first", intent="ask_size", confidence=0.99, threshold=0.99))  # fmt: skip
    shop.auto_sent("B", d, local(26, 0, 0, 30))  # answered after the period: still its wait
    # Chat C: its first message in the period joins a wait that began the evening before.
    c0 = shop.says("C", local(23, 23, 58))
    shop.draft("C", c0, local(23, 23, 58), intent="greet", confidence=0.5,
               route=reason("below_threshold", intent="greet", confidence=0.5, threshold=0.97))  # fmt: skip
    c1 = shop.says("C", local(24, 0, 1), "谢谢")
    d = shop.draft("C", c1, local(24, 0, 1), intent="thank", confidence=0.95, auto=True,
                   route=reason("auto", mode="bot_first", intent="thank", confidence=0.95, threshold=0.90))  # fmt: skip
    shop.auto_sent("C", d, local(24, 0, 3))
    # Chat D: a photo: acknowledged at once, answered by an agent two minutes later.
    d1 = shop.says("D", local(24, 15), None, kind="photo")
    d = shop.draft("D", d1, local(24, 15), intent=None, confidence=None, replies=(),
                   route=texts.text("route_reasons.media", kind=texts.kind_name("photo")))  # fmt: skip
    shop.sent("D", local(24, 15, 0, 1), texts.buyer("media_received", kind=texts.kind_name("photo")))
    shop.agent("D", d, local(24, 15, 2), "edit", "亲，图片收到啦，这是正品吊牌哦～")
    # Chat E: still waiting for an agent.
    e1 = shop.says("E", local(25, 20), "能便宜点吗")
    shop.draft("E", e1, local(25, 20), intent="ask_size", confidence=0.70,
               route=reason("below_threshold", intent="ask_size", confidence=0.70, threshold=0.99))  # fmt: skip
    # Outside the period, and not from buyers.
    shop.says("A", local(26, 10))
    shop.desk_update(local(24, 12))
    session.commit()


def outcome(intent: str, confidence: float, result: str, corrected: str | None = None) -> DraftOutcome:
    """A decided draft as the threshold rules see it."""
    return DraftOutcome(
        draft_id=0, intent=intent, confidence=confidence, has_reply=True, auto_sent=False, state="sent",
        outcome=result, corrected_intent=corrected, handoff_reason=None, route_reason=None,
    )  # fmt: skip


def sixty(intent: str = "ask_size") -> list[DraftOutcome]:
    """Two drafts at each of 0.60 .. 0.89: edited below 0.70 and once at 0.88, else sent unchanged."""
    out = []
    for step in range(30):
        confidence = round(0.60 + 0.01 * step, 2)
        for copy in range(2):
            edited = confidence < 0.70 or (confidence == 0.88 and copy == 0)
            out.append(outcome(intent, confidence, EDITED if edited else UNCHANGED))
    return out


def decided_history(session: Session, *, channel: str = "telegram") -> None:
    """Sixty ask_size drafts decided on 24 November as in `sixty`, a complaint and an auto-sent one."""
    shop = Shop(session, channel=channel)
    for i, decided in enumerate(sixty()):
        chat = f"T{i}"
        at = local(24, 10, i)
        inbound = shop.says(chat, at, "这件多大码")
        confidence = decided.confidence
        draft = shop.draft(chat, inbound, at, intent="ask_size", confidence=confidence,
                           route=reason("below_threshold", intent="ask_size", confidence=confidence, threshold=0.99))  # fmt: skip
        shop.agent(chat, draft, at + timedelta(seconds=30), "send" if decided.outcome == UNCHANGED else "edit",
                   None if decided.outcome == UNCHANGED else "亲，建议您选M码哦～")  # fmt: skip
    inbound = shop.says("Z", local(24, 12), "东西有问题")
    draft = shop.draft("Z", inbound, local(24, 12), intent="complain", confidence=0.99,
                       route=reason("never_auto", intent="complain"))  # fmt: skip
    shop.agent("Z", draft, local(24, 12, 1), "send")
    inbound = shop.says("Y", local(24, 13), "有货吗")
    draft = shop.draft("Y", inbound, local(24, 13), intent="ask_stock", confidence=0.99, auto=True,
                       route=reason("auto", mode="bot_first", intent="ask_stock", confidence=0.99, threshold=0.93))  # fmt: skip
    shop.auto_sent("Y", draft, local(24, 13, 0, 1))
    session.commit()
