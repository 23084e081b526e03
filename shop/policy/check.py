"""The shop policy check run on every outgoing text, drafted or typed.

``check_text`` returns each breach of ``responses/policy.yml`` with a stable
English code and a Chinese reason telling the agent what to change:

=====================  ======================================================
code                   rule (module)
=====================  ======================================================
empty_reply            nothing to send (here)
forbidden_phrase       a ``tone.forbidden_phrases`` entry, also Traditional,
                       full-width or split by spaces/punctuation/emoji (here)
no_polite_address      none of ``tone.address_buyer_as`` (亲/您) (here)
money_beyond_allowed   coupon above ``bargaining.max_goodwill_coupon``,
                       unknown 满减, 打折, 免单 (``shop.policy.money``)
off_platform_payment   bank transfer, 打钱到我支付宝, 私下转 ... (``shop.policy.contact``)
off_platform_contact   WeChat/QQ (also wei信, V信, 薇❤), full phone numbers
                       (also spaced, full-width, 一三八...), links (same)
other_buyer_data       another buyer's order id, tracking number or phone
                       tail (``shop.policy.numbers``)
absolute_claim         广告法 superlatives (``shop.policy.claims``)
absolute_promise       guarantees: 保证, 一定/肯定 + outcome, 包您满意
                       (``shop.policy.promises``)
delivery_date_promise  a delivery date: 明天一定到 (same; never_promise)
early_refund           a refund before the return arrives (same; never_promise)
blame_shifting         这不是我们的问题, 跟我们没关系 ... (``shop.policy.blame``)
=====================  ======================================================

The phrase families skip negated, asked, conditional and quoted uses
(``shop.policy.scope``); data (numbers, links) is checked everywhere.

Pure Python: no rasa, telegram or database imports. Nothing is read or
compiled at import; the policy is loaded and the patterns compiled on first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from shop.policy import blame, claims, contact, money, numbers, promises
from shop.policy.config import ShopPolicy, load_policy
from shop.policy.textfold import BOUNDARY, fold_phrase
from shop.policy.types import CheckContext, Promotion, Views, Violation

__all__ = ["RULE_CODES", "CheckContext", "Promotion", "Violation", "check_text", "is_compliant"]

# Every code check_text can return (the table above).
RULE_CODES = (
    "empty_reply",
    "forbidden_phrase",
    "no_polite_address",
    "money_beyond_allowed",
    "off_platform_payment",
    "off_platform_contact",
    "other_buyer_data",
    "absolute_claim",
    "absolute_promise",
    "delivery_date_promise",
    "early_refund",
    "blame_shifting",
)

_EMPTY = CheckContext()


@lru_cache(maxsize=8)
def _folded(phrases: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(phrase as written in the policy, phrase as searched in folded text)."""
    return tuple((p, f) for p in phrases if (f := fold_phrase(p)))


def _tone(views: Views, policy: ShopPolicy) -> Iterator[Violation]:
    folded = views.folded
    for phrase, needle in _folded(policy.tone.forbidden_phrases):
        at = folded.text.find(needle)
        if at >= 0:  # once per phrase: the agent rewrites the sentence anyway
            yield views.violation(
                folded,
                at,
                at + len(needle),
                "forbidden_phrase",
                f"包含禁用语「{phrase}」，请换一种积极的说法，说明能为买家做什么",
            )
    address = _folded(policy.tone.address_buyer_as)
    if not any(needle in folded.text for _, needle in address):
        words = "或".join(f"「{p}」" for p, _ in address)
        yield Violation(
            code="no_polite_address",
            reason=f"回复里没有称呼买家{words}，请加上礼貌的称呼",
            span=views.original[:20],
        )


def check_text(
    text: str, *, context: CheckContext | None = None, policy: ShopPolicy | None = None
) -> list[Violation]:
    """Every policy violation in ``text``, in reading order ([] = fine to send)."""
    policy = policy or load_policy()
    context = context or _EMPTY
    views = Views.of(text)
    if not views.folded.text.strip(BOUNDARY):
        return [Violation("empty_reply", "回复为空（或只有标点、表情），请写上要对买家说的话", text)]
    found: list[Violation] = [*_tone(views, policy)]
    for rule in _RULES:
        found.extend(rule.check(views, context, policy))
    return _one_per_span(sorted(dict.fromkeys(found), key=lambda v: (v.start, v.code)))


_RULES = (money, contact, numbers, claims, promises, blame)


def _one_per_span(found: list[Violation]) -> list[Violation]:
    """Drops a violation that overlaps an earlier one of the same code ("加我薇❤" once)."""
    kept: list[Violation] = []
    for v in found:
        end = v.start + len(v.span)
        if not any(k.code == v.code and k.start < end and v.start < k.start + len(k.span) for k in kept):
            kept.append(v)
    return kept


def is_compliant(text: str, *, context: CheckContext | None = None, policy: ShopPolicy | None = None) -> bool:
    """True when ``text`` may be sent as it is."""
    return not check_text(text, context=context, policy=policy)
