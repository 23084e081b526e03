"""The agent desk: buttons and replies on cards in the agents' Telegram group.

Only AGENT_IDS (and SUPERVISOR_IDS) may act. Every state change of a draft is
one conditional UPDATE (`store.claim_draft`), so when two agents press
"send" at once exactly one message reaches the buyer. Every text an agent
writes passes the policy check before it goes out; a supervisor may override.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import cards
from bot.buyers import gateway, send_to_buyer
from bot.gateway import CHANNEL, Gateway
from desk import agent_actions, follow_ups, queries, store, texts
from shop.policy.config import load_policy

log = logging.getLogger(__name__)


def _who(update: Update) -> str:
    user = update.effective_user
    if user is None:
        return "?"
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


def _at(gw: Gateway) -> str:
    return gw.clock().astimezone(ZoneInfo(gw.routing.timezone)).strftime("%m-%d %H:%M")


async def _update_card(
    gw: Gateway,
    draft_id: int,
    status: str | None,
    *,
    keep_buttons: bool = False,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    def read(session: Session) -> tuple[cards.CardView | None, str | None, str | None]:
        draft = store.get_draft(draft_id, session=session)
        view = cards.load_card(session, draft_id, CHANNEL)
        return view, draft.card_chat_id if draft else None, draft.card_message_id if draft else None

    view, chat_id, message_id = await gw.db(read)
    if view is None or not message_id or gw.bot is None:
        return
    if markup is None and keep_buttons:
        markup = cards.buttons(view)
    await gw.delivery.edit_text(gw.bot, chat_id, message_id, cards.render(view, status), reply_markup=markup)


async def card_status(gw: Gateway, draft_id: int, status: str) -> None:
    """Show on the draft's card what became of it, without buttons (bot/outbox.py: a web agent sent it)."""
    await _update_card(gw, draft_id, status)


async def _answer(update: Update, text: str | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text=text)


# --- buttons ---------------------------------------------------------------------


async def on_card_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The agent's press takes effect on the card (sent, rejected, taken over, released)."""
    gw = gateway(context)
    query = update.callback_query
    assert query is not None
    if not gw.is_agent(query.from_user.id):
        await query.answer(text=texts.agent("not_agent"), show_alert=True)
        return
    parsed = cards.parse_callback(query.data)
    card = query.message
    if (
        parsed is None
        or card is None
        or not await gw.db(_is_card_of, parsed[1], str(card.chat.id), str(card.message_id))
    ):
        # Forged, mangled or from another message: nothing about it is trusted.
        await query.answer(text=texts.agent("button_expired"), show_alert=True)
        return
    action, draft_id, index = parsed
    agent = str(query.from_user.id)
    if action == "send":
        await _send_as_is(gw, update, draft_id, agent)
    elif action == "edit":
        await query.answer(text=texts.agent("edit_hint"), show_alert=True)
    elif action == "reject":
        await _reject(gw, update, draft_id, agent)
    elif action == "intent" and index is not None:
        await _teach(gw, update, draft_id, agent, cards.INTENTS[index])
    elif action == "take":
        await _take_over(gw, update, draft_id, agent)
    elif action == "release":
        await _release(gw, update, draft_id, agent)


def _is_card_of(session: Session, draft_id: int, chat_id: str, message_id: str) -> bool:
    """Is this message the draft's card (so its buttons are the draft's)?"""
    draft = store.get_draft(draft_id, session=session)
    return draft is not None and (draft.card_chat_id, draft.card_message_id) == (chat_id, message_id)


async def _send_as_is(gw: Gateway, update: Update, draft_id: int, agent: str) -> None:
    try:
        claimed = await gw.db(
            lambda s: agent_actions.claim_for_send(
                draft_id, agent, channel=CHANNEL, session=s, now=gw.clock()
            )
        )
    except agent_actions.NotFiled:
        await _answer(update, texts.agent("return_not_filed"))
        return
    if isinstance(claimed, str):
        await _answer(update, texts.agent(claimed))
        return
    await _answer(update)
    delivered = True
    for reply in claimed.replies:
        delivered = delivered and await send_to_buyer(
            gw, claimed.chat_id, claimed.conversation_id, reply, draft_id=draft_id
        )
    status = texts.agent("done_sent", agent=_who(update), at=_at(gw))
    await _update_card(gw, draft_id, status if delivered else texts.agent("blocked"))


async def _reject(gw: Gateway, update: Update, draft_id: int, agent: str) -> None:
    if not await gw.db(lambda s: agent_actions.reject(draft_id, agent, session=s, now=gw.clock())):
        await _answer(update, texts.agent("already_handled"))
        return
    await _answer(update)
    status = texts.agent("done_rejected", agent=_who(update), at=_at(gw))
    await _update_card(gw, draft_id, status, markup=cards.intent_buttons(draft_id))


async def _teach(gw: Gateway, update: Update, draft_id: int, agent: str, intent: str) -> None:
    if not await gw.db(lambda s: agent_actions.teach(draft_id, agent, intent, session=s, now=gw.clock())):
        await _answer(update, texts.agent("teach_not_rejected"))
        return
    await _answer(update)
    await _update_card(
        gw, draft_id, texts.agent("done_taught", agent=_who(update), at=_at(gw), intent=intent)
    )


async def _take_over(gw: Gateway, update: Update, draft_id: int, agent: str) -> None:
    if not await gw.db(lambda s: agent_actions.set_mode(draft_id, agent, "human", session=s, now=gw.clock())):
        await _answer(update, texts.agent("already_handled"))
        return
    await _answer(update)
    await _update_card(
        gw, draft_id, texts.agent("taken_over", agent=_who(update), at=_at(gw)), keep_buttons=True
    )


async def _release(gw: Gateway, update: Update, draft_id: int, agent: str) -> None:
    if not await gw.db(lambda s: agent_actions.set_mode(draft_id, agent, "bot", session=s, now=gw.clock())):
        await _answer(update, texts.agent("not_human_mode"))
        return
    await _answer(update)
    await _update_card(gw, draft_id, texts.agent("released", agent=_who(update), at=_at(gw)))


# --- replies to cards ------------------------------------------------------------


def _card_draft(session: Session, gw: Gateway, card_message_id: int) -> int | None:
    """The draft whose card this message replies to."""
    draft = queries.draft_for_card(str(gw.agent_chat), str(card_message_id), session=session)
    return None if draft is None else draft.id


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def on_agent_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The agent's reply to a card reaches the buyer once it passes the policy check."""
    gw = gateway(context)
    message = update.effective_message
    if message is None or message.reply_to_message is None or not message.text:
        return
    if not gw.is_agent(message.from_user.id if message.from_user else None):
        return
    agent = str(message.from_user.id)
    text = message.text.strip()
    draft_id = await gw.db(_card_draft, gw, message.reply_to_message.message_id)
    if draft_id is None:
        return

    reasons = await gw.db(
        lambda s: agent_actions.check_or_propose(
            draft_id, agent, text, shop_wide=gw.shop_wide, session=s, now=gw.clock()
        )
    )
    if reasons:
        lines = "\n".join(f"- {r}" for r in reasons)
        await _reply(
            update, texts.agent("policy_blocked", reasons=lines) + "\n" + texts.agent("override_hint")
        )
        return
    await _send_own_text(gw, update, draft_id, agent, text, action="edit")


async def _send_own_text(
    gw: Gateway, update: Update, draft_id: int, agent: str, text: str, *, action: str
) -> None:
    """The agent's text to the buyer: the desk's own reply in human mode, else an edit of the draft."""
    sent = await gw.db(
        lambda s: agent_actions.send_own_text(draft_id, agent, text, action=action, session=s, now=gw.clock())
    )
    if sent is None:
        await _reply(update, texts.agent("already_handled"))
        return
    delivered = await send_to_buyer(gw, sent.chat_id, sent.conversation_id, text, draft_id=draft_id)
    if sent.human_mode:
        await _reply(update, texts.agent("delivered" if delivered else "blocked"))
        return
    key = "done_override" if action == "override" else "done_edited"
    status = texts.agent(key, agent=_who(update), at=_at(gw)) if delivered else texts.agent("blocked")
    await _update_card(gw, draft_id, status)


async def on_override(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A supervisor's /override (as a reply to a card) sends the blocked text anyway."""
    gw = gateway(context)
    message = update.effective_message
    if message is None or message.from_user is None:
        return
    if not gw.is_supervisor(message.from_user.id):
        await _reply(update, texts.agent("override_denied"))
        return
    if message.reply_to_message is None:
        await _reply(update, texts.agent("reply_to_card"))
        return
    draft_id = await gw.db(_card_draft, gw, message.reply_to_message.message_id)
    proposed = await gw.db(lambda s: queries.last_proposed_text(draft_id, session=s)) if draft_id else None
    if draft_id is None or not proposed:
        await _reply(update, texts.agent("override_nothing"))
        return
    await _send_own_text(gw, update, draft_id, str(message.from_user.id), proposed, action="override")


async def on_release(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The agent's /release (as a reply to a card) gives the chat back to the bot."""
    gw = gateway(context)
    message = update.effective_message
    if message is None or message.from_user is None or not gw.is_agent(message.from_user.id):
        return
    if message.reply_to_message is None:
        await _reply(update, texts.agent("reply_to_card"))
        return
    draft_id = await gw.db(_card_draft, gw, message.reply_to_message.message_id)
    if draft_id is None:
        await _reply(update, texts.agent("reply_to_card"))
        return
    agent = str(message.from_user.id)
    if not await gw.db(lambda s: agent_actions.set_mode(draft_id, agent, "bot", session=s, now=gw.clock())):
        await _reply(update, texts.agent("not_human_mode"))
        return
    await _update_card(gw, draft_id, texts.agent("released", agent=_who(update), at=_at(gw)))


async def _duty(update: Update, context: ContextTypes.DEFAULT_TYPE, on: bool) -> None:
    gw = gateway(context)
    user = update.effective_user
    if user is None or not gw.is_agent(user.id):
        return
    count = await gw.db(lambda s: queries.set_on_duty(str(user.id), on, session=s, now=gw.clock()))
    await _reply(update, texts.agent("on_duty" if on else "off_duty", agent=_who(update), count=count))


async def on_duty(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The agent is marked on duty (human_first routing then sends drafts to agents)."""
    await _duty(update, context, True)


async def off_duty(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The agent is marked off duty."""
    await _duty(update, context, False)


# --- follow-up tasks (/followups, /claim N, /close N note) ------------------------

LIST_LIMIT = 30
CLAIM_BUTTONS = 10  # one "claim #N" button per unclaimed task, for the oldest ones
# A claim button's data; anything else is not one (the card buttons' handler answers those).
CLAIM_CALLBACK = r"^fuclaim:[0-9]{1,9}$"


def _task_args(text: str | None) -> tuple[int, str | None] | None:
    """(task number, the rest as the note) from "/close 3 note"; None when there is no number.

    "#3" and full-width "３" count too (Chinese keyboards); a full-width space separates as well.
    """
    parts = (text or "").strip().split(maxsplit=2)
    if len(parts) < 2:
        return None
    number = unicodedata.normalize("NFKC", parts[1]).lstrip("#")
    if not number.isdecimal() or len(number) > 9 or int(number) == 0:
        return None
    note = parts[2].strip() if len(parts) > 2 else ""
    return int(number), note or None


def _age(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return texts.agent("followup_age_minutes", minutes=minutes)
    hours = minutes // 60
    if hours < 24:
        return texts.agent("followup_age_hours", hours=hours)
    return texts.agent("followup_age_days", days=hours // 24, hours=hours % 24)


def _task_line(task: follow_ups.TaskView) -> str:
    unknown = texts.agent("followups_unknown")
    return texts.agent(
        "followups_item",
        id=task.id,
        overdue=texts.agent("followups_overdue_mark") if task.overdue else "",
        reason=follow_ups.reason_text(task.reason),
        buyer=task.buyer or unknown,
        order=task.order_id or unknown,
        age=_age(task.age),
        claimed=texts.agent("followups_claimed_by", agent=task.claimed_by) if task.claimed_by else "",
    )


async def _agent_or_refuse(update: Update, gw: Gateway) -> str | None:
    user = update.effective_user
    if user is None or not gw.is_agent(user.id):
        await _reply(update, texts.agent("followup_not_agent"))
        return None
    return str(user.id)


async def on_followups(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/followups: the open tasks, oldest first, overdue ones marked."""
    gw = gateway(context)
    if await _agent_or_refuse(update, gw) is None:
        return
    hours = load_policy().follow_ups.overdue_after_hours

    def read(session: Session) -> tuple[list[follow_ups.TaskView], int]:
        tasks = follow_ups.open_tasks(
            session=session, now=gw.clock(), overdue_after=timedelta(hours=hours), limit=LIST_LIMIT
        )
        return tasks, follow_ups.count_open(session=session)

    tasks, total = await gw.db(read)
    if not tasks:
        await _reply(update, texts.agent("followups_none"))
        return
    lines = [texts.agent("followups_header", count=total, overdue_hours=hours)]
    lines += [_task_line(task) for task in tasks]
    if total > len(tasks):
        lines.append(texts.agent("followups_more", count=total - len(tasks)))
    lines.append(texts.agent("followups_hint"))
    unclaimed = [task.id for task in tasks if task.claimed_by is None][:CLAIM_BUTTONS]
    buttons = [
        InlineKeyboardButton(texts.agent("button_claim", id=task_id), callback_data=f"fuclaim:{task_id}")
        for task_id in unclaimed
    ]
    markup = (
        InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)]) if buttons else None
    )
    if update.effective_message is not None:
        await update.effective_message.reply_text("\n".join(lines), reply_markup=markup)


async def on_claim(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/claim N: the agent takes task N (of two agents at once, one gets it)."""
    gw = gateway(context)
    command = await _task_command(update, gw, "followup_claim_usage")
    if command is not None:
        agent, (task_id, _) = command
        await _claim(update, gw, task_id, agent)


async def _task_command(
    update: Update, gw: Gateway, usage_key: str
) -> tuple[str, tuple[int, str | None]] | None:
    """The agent and (task id, note) of /claim or /close; None once refused or shown the usage."""
    agent = await _agent_or_refuse(update, gw)
    if agent is None:
        return None
    message = update.effective_message
    args = _task_args(message.text if message else None)
    if args is None:
        await _reply(update, texts.agent(usage_key))
        return None
    return agent, args


async def _claim(update: Update, gw: Gateway, task_id: int, agent: str) -> None:
    """Claims the task for the agent and tells the group who has it now."""
    result = await gw.db(lambda s: follow_ups.claim(task_id, agent, session=s, now=gw.clock()))
    if result.outcome == follow_ups.Outcome.CLAIMED:
        await _reply(update, texts.agent("followup_claimed", agent=_who(update), id=task_id))
    else:
        await _reply(update, texts.agent(f"followup_{result.outcome.value}", id=task_id, agent=result.by))


async def on_claim_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The list's "claim #N" button: as /claim N; the outcome is posted for the group to see."""
    gw = gateway(context)
    query = update.callback_query
    assert query is not None
    if not re.match(CLAIM_CALLBACK, query.data or ""):
        # ptb hands a press without data to every pattern handler: treat it as any unknown button.
        await on_card_button(update, context)
        return
    if not gw.is_agent(query.from_user.id):
        await query.answer(text=texts.agent("followup_not_agent"), show_alert=True)
        return
    await query.answer()
    await _claim(update, gw, int((query.data or "").split(":")[1]), str(query.from_user.id))


async def on_close(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/close N note: task N is done; who, when and the note are kept."""
    gw = gateway(context)
    command = await _task_command(update, gw, "followup_close_usage")
    if command is None:
        return
    agent, (task_id, note) = command
    result = await gw.db(lambda s: follow_ups.close(task_id, agent, note, session=s, now=gw.clock()))
    if result.outcome == follow_ups.Outcome.CLOSED:
        await _reply(
            update, texts.agent("followup_closed", agent=_who(update), id=task_id, at=_at(gw), note=note)
        )
    else:
        await _reply(update, texts.agent(f"followup_{result.outcome.value}", id=task_id))
