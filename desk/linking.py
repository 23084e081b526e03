"""Linking a Telegram chat to a shop account: `/link ORDER LAST4`, `/unlink`.

Order facts go only to the buyer who placed the order, so a guest proves who
they are with an order id and the last four digits of its phone number
(`shop.store.linking`: five failures within an hour, per chat account, per buyer
account and per order, lock linking for an hour). A second chat account
linking to a buyer who already has one is told to the desk. The format
the bot asks for (with its words, desk/link_words.yml) always counts as `/link`; a bare
"order id + 4 digits" message only when the chat is not linked and the bot's
last draft asked for exactly that. An order id here has the shape any shop's may
have (`shop.db.inputs`: 13-24 digits, a Taobao/Tmall one 18-19); whether it is one
of this shop's orders is the database's answer, never the pattern's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.orm import Session

from desk import texts
from shop.db.errors import InvalidInput, LinkingLocked
from shop.db.inputs import ORDER_ID_PATTERN
from shop.policy.textfold import normalise
from shop.store.linking import link_chat, revoke_link

_LINK_ARGS = re.compile(rf"^\s*({ORDER_ID_PATTERN})\s*[,，/\s]\s*(\d{{4}})\s*$")
# The drafts' rule (or fact) that means "please link first" (actions/, docs/architecture.md).
LINK_RULES = frozenset({"link_needed"})
# The words of the format the bot asks for (order label, id, phone label, last 4 digits).
LINK_WORDS_FILE = Path(__file__).resolve().parent / "link_words.yml"


@lru_cache(maxsize=1)
def _labelled_link() -> re.Pattern[str]:
    """The labelled format the bot asks for, matched on normalised text."""
    words = yaml.safe_load(LINK_WORDS_FILE.read_text(encoding="utf-8"))

    def either(key: str) -> str:
        return "(?:" + "|".join(map(re.escape, words[key])) + ")"

    joiner = rf"(?::|{either('joiners')})?"
    return re.compile(
        rf"^\s*{either('order_labels')}\s*{joiner}\s*({ORDER_ID_PATTERN})\s*[,/;\s\u3001]?\s*"
        rf"{either('phone_labels')}\s*{joiner}\s*(\d{{4}})\s*[.!~\u3002]?\s*$"
    )


def parse_link_args(text: str) -> tuple[str, str] | None:
    """(order id, phone last 4) from "ORDER LAST4" or the labelled format, else None."""
    match = _LINK_ARGS.match(text) or _labelled_link().match(normalise(text).text)
    return (match.group(1), match.group(2)) if match else None


def reads_as_link(text: str, *, asked: bool) -> bool:
    """Is this buyer message a linking attempt?

    The labelled format the bot asks for always is; two bare numbers only right
    after the bot asked an unlinked chat to link (else they go to Rasa, which reads
    a pasted order id as "where is it").
    """
    if _labelled_link().match(normalise(text).text):
        return True
    return asked and _LINK_ARGS.match(text) is not None


def asked_to_link(meta: dict | None) -> bool:
    """Did this draft ask the buyer to link (order id + phone digits)?"""
    meta = meta or {}
    return meta.get("rule") in LINK_RULES or bool((meta.get("facts") or {}).get("link_needed"))


@dataclass(frozen=True)
class LinkReply:
    """What the buyer is told, and a notice for the desk (or ``None``)."""

    text: str
    desk_notice: str | None = None


def link_reply(
    session: Session, channel: str, user_id: str, args: str, *, now: datetime, timezone: str
) -> LinkReply:
    """Tries to link with `args` ("ORDER LAST4"): the buyer's answer and any desk notice."""
    parsed = parse_link_args(args)
    if parsed is None:
        return LinkReply(texts.buyer("link_ask") if not args.strip() else texts.buyer("link_bad_format"))
    try:
        result = link_chat(channel, user_id, parsed[0], parsed[1], session=session, now=now)
    except LinkingLocked as locked:
        return LinkReply(texts.buyer("link_locked", until=_local(locked.until, timezone)))
    except InvalidInput:
        return LinkReply(texts.buyer("link_bad_format"))
    if result.linked:
        notice = None
        if result.other_links:
            # Maybe the buyer's new phone, maybe someone who learnt her digits: a person looks.
            notice = texts.agent(
                "link_second_account",
                buyer=result.buyer_account,
                account=texts.channel_account(channel, user_id),
                others=result.other_links,
            )
        return LinkReply(texts.buyer("link_ok"), notice)
    if result.locked_until is not None:
        return LinkReply(texts.buyer("link_locked", until=_local(result.locked_until, timezone)))
    return LinkReply(texts.buyer("link_failed", left=result.attempts_left))


def unlink_reply(session: Session, channel: str, user_id: str, *, now: datetime) -> str:
    """Revokes the chat's link and returns what the buyer is told."""
    revoked = revoke_link(channel, user_id, session=session, now=now)
    return texts.buyer("unlinked" if revoked else "not_linked")


def _local(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")
