"""`/teach` in Telegram: trainers file inbox messages under an intent from their phone.

    /teach               the oldest inbox messages, with their numbers
    /teach 12 ask_size   file message #12 under ask_size (same checks as ./trainer.sh label)

Only TRAINER_IDS may use it. Its own wording is English (no Chinese literals in
bot/, see desk/texts.py); refusals are the trainer's bilingual messages. The work is trainer/labelling.py's (run in a
thread: it writes files and the database); training and promoting stay on the
command line, where the evaluation can be read.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from shop.db.errors import ShopError
from stack.settings import Settings
from trainer.labelling import inbox, label
from trainer.nludata import Refused
from trainer.settings import Project

logger = logging.getLogger(__name__)
SHOWN = 5
USAGE = "Usage: /teach (list) or /teach ID INTENT, e.g. /teach 12 ask_size"


def _db_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    from shop.db.settings import database_url

    return database_url()


def _list(settings: Settings) -> str:
    rows = inbox(_db_url(settings), limit=200)
    if not rows:
        return "The inbox is empty."
    lines = [f"Inbox ({len(rows)}):"]
    for row in rows[:SHOWN]:
        it = row.item
        said = f"{it.model_intent or '—'} {round((it.confidence or 0) * 100)}%"
        seen = f" ×{row.similar}" if row.similar > 1 else ""
        picked = f", agent: {it.agent_intent}" if it.agent_intent else ""
        lines.append(f"#{it.id}{seen} {it.text}\n   model: {said}{picked}")
    lines.append(USAGE)
    return "\n".join(lines)


def _label(settings: Settings, project: Project, item_id: int, intent: str, who: str) -> str:
    try:
        written = label(project, _db_url(settings), item_id, intent, by=who)
    except (Refused, ShopError) as exc:
        return f"Not added: {exc}"
    return f"Added #{item_id} → {intent} ({written.file.name}). Next: ./trainer.sh train"


async def on_teach(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The trainer sees the inbox, or a confirmation that the message was filed (or why not)."""
    settings: Settings = context.bot_data["teach_settings"]
    project: Project = context.bot_data["teach_project"]
    args: list[Any] = list(context.args or [])
    message = update.effective_message
    if message is None:
        return
    if not args:
        reply = await asyncio.to_thread(_list, settings)
    elif len(args) == 2 and str(args[0]).lstrip("#").isdigit():
        who = f"telegram:{update.effective_user.id if update.effective_user else '?'}"
        reply = await asyncio.to_thread(
            _label, settings, project, int(str(args[0]).lstrip("#")), args[1], who
        )
    else:
        reply = USAGE
    await message.reply_text(reply)


def register_teach(application: Application, settings: Settings, *, project_root: Path | None = None) -> None:
    """Adds /teach for the trainers (TRAINER_IDS); nobody else gets an answer."""
    application.bot_data["teach_settings"] = settings
    application.bot_data["teach_project"] = Project(root=project_root or settings.project_root)
    trainers = filters.User(user_id=list(settings.trainer_ids))
    application.add_handler(CommandHandler("teach", on_teach, filters=trainers, block=False))
