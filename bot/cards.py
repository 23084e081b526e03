"""The agent desk's cards: what an agent sees for one draft, and its buttons.

A card shows the buyer, their message and what came before, the intent and
confidence, the facts and rule the action used, why it was routed to an agent,
the draft and any policy warnings. Rendering is pure; `load_card` gathers the
facts from the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery import MAX_TEXT, split_text
from desk import parts as multipart
from desk import queries, texts
from desk.conversation import CANDIDATES
from desk.drafts import OPEN
from desk.intents import INTENTS  # the picker after a reject (moved to desk/ for the web console)
from shop.models import Conversation, Draft, InboundMessage
from shop.store.linking import buyer_for_chat
from shop.store.return_confirmation import FILE_ON_SEND

CONTEXT_MESSAGES = 3
FACTS_CHARS = 300
# A card is one Telegram message (4,096 units) with its buttons once: long buyer
# texts are quoted in part on the card and sent in full after it (`full_text`).
QUOTE_CHARS = 1000
CONTEXT_CHARS = 200


@dataclass
class CardView:
    """Everything a card shows about one draft."""

    draft_id: int
    chat_id: str
    user_id: str
    buyer_account: str | None
    text: str | None
    kind: str
    file_id: str | None
    context: list[str]
    intent: str | None
    confidence: float | None
    candidates: list[tuple[str, float]]
    meta: dict[str, Any]
    route_reason: str | None
    replies: list[str]
    warnings: list[str]
    human_mode: bool
    state: str
    conversation_id: int
    blocked: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def load_card(session: Session, draft_id: int, channel: str) -> CardView | None:
    """The card of one draft, read in the caller's session."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        return None
    conv = session.get(Conversation, draft.conversation_id)
    assert conv is not None
    inbound = session.get(InboundMessage, draft.inbound_id) if draft.inbound_id else None
    buyer = buyer_for_chat(channel, conv.user_id, session=session)
    context = (
        queries.recent_texts(
            channel, conv.chat_id, before_id=inbound.id, limit=CONTEXT_MESSAGES, session=session
        )
        if inbound
        else []
    )
    return CardView(
        draft_id=draft.id,
        chat_id=conv.chat_id,
        user_id=conv.user_id,
        buyer_account=buyer.account if buyer else None,
        text=inbound.text if inbound else None,
        kind=inbound.kind if inbound else "text",
        file_id=inbound.file_id if inbound else None,
        context=context,
        intent=draft.intent,
        confidence=draft.confidence,
        candidates=top_candidates((draft.meta or {}).get("intent_ranking") or []),
        meta=draft.meta or {},
        route_reason=draft.route_reason,
        replies=list(draft.texts or []),
        warnings=[
            v.get("reason", "") if isinstance(v, dict) else str(v) for v in draft.policy_violations or []
        ],
        human_mode=conv.mode == "human",
        state=draft.state,
        conversation_id=conv.id,
        blocked=conv.blocked,
    )


def top_candidates(intent_ranking: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """The classifier's best intents with confidences; nlu_fallback is a verdict, not a candidate."""
    ranked = [
        (str(r["name"]), float(r.get("confidence") or 0.0))
        for r in intent_ranking or []
        if r.get("name") and r["name"] != "nlu_fallback"
    ]
    return ranked[:CANDIDATES]


def _facts_line(meta: dict[str, Any]) -> list[str]:
    facts = meta.get("facts") or {}
    lines: list[str] = []
    named = []
    if facts.get("order_id"):
        named.append(texts.agent("card_order", order_id=facts["order_id"]))
    if facts.get("product_code"):
        named.append(texts.agent("card_product", product_code=facts["product_code"]))
    rest = {k: v for k, v in facts.items() if k not in ("order_id", "product_code")}
    shown = "  ".join(named)
    if rest:
        dumped = json.dumps(rest, ensure_ascii=False, default=str)
        shown = (shown + "  " if shown else "") + (
            dumped[:FACTS_CHARS] + ("…" if len(dumped) > FACTS_CHARS else "")
        )
    if shown:
        lines.append(texts.agent("card_facts", facts=shown))
    if meta.get("rule"):
        lines.append(texts.agent("card_rule", rule=meta["rule"]))
    return lines


def render(view: CardView, status: str | None = None) -> str:
    """The card's text; `status` (who did what, when) goes on top once handled."""
    buyer = view.buyer_account or texts.agent("buyer_guest")
    lines = [texts.agent("card_header", draft_id=view.draft_id, buyer=f"{buyer} (tg {view.user_id})")]
    if status:
        lines.insert(0, status)
    if view.context:
        lines.append(texts.agent("card_context"))
        lines += [f"  · {_cut(t, CONTEXT_CHARS)}" for t in view.context]
    if view.kind != "text" and view.file_id:
        lines.append(texts.agent("card_media", kind=texts.kind_name(view.kind), file_id=view.file_id))
    if view.text:
        quote = view.text
        if len(quote) > QUOTE_CHARS:
            quote = _cut(quote, QUOTE_CHARS) + texts.agent("card_quote_cut", total=len(view.text))
        lines.append(texts.agent("card_message", text=quote))
    if view.intent:
        lines.append(texts.agent("card_intent", intent=view.intent, confidence=view.confidence or 0.0))
    if view.candidates:
        shown = " · ".join(f"{name} {conf:.2f}" for name, conf in view.candidates)
        lines.append(texts.agent("card_candidates", candidates=shown))
    if view.meta.get("parts"):  # several questions in one message, answered in parts (desk/parts.py)
        parts = view.meta["parts"]
        lines.append(texts.agent("card_parts", count=len(parts), parts=multipart.summary(parts)))
    lines += _facts_line(view.meta)
    if view.route_reason:
        lines.append(texts.agent("card_route", reason=view.route_reason))
    if view.human_mode:
        lines.append(texts.agent("card_human_mode"))
    if view.replies:
        lines.append(texts.agent("card_draft"))
        lines += [f"  {r}" for r in view.replies]
        if (view.meta.get("facts") or {}).get(FILE_ON_SEND):
            lines.append(texts.agent("card_files_on_send"))
    else:
        lines.append(texts.agent("card_no_draft"))
    if view.warnings:
        lines.append(texts.agent("card_warnings"))
        lines += [f"  - {w}" for w in view.warnings]
    card = "\n".join(lines)
    # Still too long (a huge draft): cut, never split: a split card repeats its buttons.
    return split_text(card)[0] if _units(card) > MAX_TEXT else card


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2  # what Telegram counts


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def full_text(view: CardView) -> str | None:
    """The buyer's whole message, to send after a card that quotes only part of it."""
    if not view.text or len(view.text) <= QUOTE_CHARS:
        return None
    return texts.agent("card_full_text", draft_id=view.draft_id, text=view.text)


def buttons(view: CardView) -> InlineKeyboardMarkup:
    """Send / edit / reject / take over; in human mode release, and send / edit / reject while it waits."""
    d = view.draft_id
    if view.human_mode:
        release = [InlineKeyboardButton(texts.agent("button_release"), callback_data=f"release:{d}")]
        if view.state not in OPEN or not view.replies:
            return InlineKeyboardMarkup([release])
        # The bot still drafts in human mode: one tap sends it, and the chat stays with the agents.
        return InlineKeyboardMarkup(
            [
                release,
                [
                    InlineKeyboardButton(texts.agent("button_send"), callback_data=f"send:{d}"),
                    InlineKeyboardButton(texts.agent("button_edit"), callback_data=f"edit:{d}"),
                    InlineKeyboardButton(texts.agent("button_reject"), callback_data=f"reject:{d}"),
                ],
            ]
        )
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.agent("button_send"), callback_data=f"send:{d}"),
                InlineKeyboardButton(texts.agent("button_edit"), callback_data=f"edit:{d}"),
            ],
            [
                InlineKeyboardButton(texts.agent("button_reject"), callback_data=f"reject:{d}"),
                InlineKeyboardButton(texts.agent("button_take_over"), callback_data=f"take:{d}"),
            ],
        ]
    )


def intent_buttons(draft_id: int) -> InlineKeyboardMarkup:
    """One button per intent (three a row), for the agent to say what was meant."""
    row: list[InlineKeyboardButton] = []
    rows: list[list[InlineKeyboardButton]] = []
    for index, name in enumerate(INTENTS):
        row.append(InlineKeyboardButton(name, callback_data=f"intent:{draft_id}:{index}"))
        if len(row) == 3:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows)


_MAX_ROW_ID = 2**31 - 1  # row ids are INTEGER columns; PostgreSQL rejects larger ones
# Button actions and how many ":"-separated fields their data has.
_CALLBACK_FIELDS = {"send": 2, "edit": 2, "reject": 2, "take": 2, "release": 2, "intent": 3}


def parse_callback(data: str | None) -> tuple[str, int, int | None] | None:
    """(action, draft id, intent index) from a button's data, or None if it is not one of ours.

    Anyone can send any callback data, so each field is checked: a known action,
    a positive draft id, an intent index within INTENTS.
    """
    parts = (data or "").split(":")
    if _CALLBACK_FIELDS.get(parts[0]) != len(parts) or not all(
        p.isascii() and p.isdigit() for p in parts[1:]
    ):
        return None
    draft_id = int(parts[1])
    index = int(parts[2]) if len(parts) == 3 else None
    if not 0 < draft_id <= _MAX_ROW_ID or (index is not None and index >= len(INTENTS)):
        return None
    return parts[0], draft_id, index
