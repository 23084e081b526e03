"""Is a return or dispatch message a question about the shop's rules, or about an order?

"你们家支持七天无理由退货吗" asks the rule and needs no order: anyone, a guest
too, gets the policy. "我要退货" is about one of her orders: it needs a linked
account and an order, as before. No new intent: the same request_return /
ask_order_status message is told apart by what it says (the cue words in
``policy_question_cues.yml``), whether it names an order, and whether the buyer
has any order at all (with none, every question is about the rules).
Pure: no database; Traditional script is folded to Simplified first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from shop.policy.textfold import normalise
from shop.rules.cues import says_quality_problem

CUES_FILE = Path(__file__).resolve().parent / "policy_question_cues.yml"

RETURNS = "returns"
RETURN_POSTAGE = "return_postage"


@dataclass(frozen=True)
class PolicyCues:
    own_order: tuple[str, ...]
    returns_rule: tuple[str, ...]
    return_postage: tuple[str, ...]
    dispatch_rule: tuple[str, ...]
    question: tuple[str, ...]


@lru_cache(maxsize=2)
def load_policy_cues(path: Path = CUES_FILE) -> PolicyCues:
    """Reads the cue lists once per process; a missing list fails loudly."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return PolicyCues(**{name: tuple(str(w) for w in raw[name]) for name in PolicyCues.__dataclass_fields__})


def _simplified(text: str) -> str:
    return normalise(text or "").text


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _asks_rule(text: str, rule_words: tuple[str, ...], *, order_named: bool, has_orders: bool) -> bool:
    cues = load_policy_cues()
    # A quality problem is always about a parcel she has (and who pays differs).
    if order_named or _has_any(text, cues.own_order) or says_quality_problem(text):
        return False
    if _has_any(text, rule_words):
        return True
    return not has_orders and _has_any(text, cues.question)


def return_policy_topics(text: str, *, order_named: bool, has_orders: bool) -> tuple[str, ...]:
    """The return rules asked about (``returns``, ``return_postage``); empty for an order request."""
    cues = load_policy_cues()
    simple = _simplified(text)
    rule_words = cues.returns_rule + cues.return_postage
    if not _asks_rule(simple, rule_words, order_named=order_named, has_orders=has_orders):
        return ()
    postage = _has_any(simple, cues.return_postage)
    returns = _has_any(simple, cues.returns_rule) or not postage
    return tuple(topic for topic, asked in ((RETURNS, returns), (RETURN_POSTAGE, postage)) if asked)


def asks_dispatch_rule(text: str, *, order_named: bool, has_orders: bool) -> bool:
    """How soon an order is shipped, asked before buying (or by a buyer with no order)."""
    cues = load_policy_cues()
    return _asks_rule(_simplified(text), cues.dispatch_rule, order_named=order_named, has_orders=has_orders)
