"""Off-platform payment or contact, and other buyers' data, in a reply.

Keywords are matched on the folded view (``shop.textfold``), so "微 信",
"v x", "Q-Q" and "V信" are found; numbers and links on the normalised view,
where digit groups and dots keep their shape.

Choices:
* A masked number such as "138****0000" (a courier's phone in a tracking
  event) is allowed: it is already redacted. A full mobile (1[3-9] + 9
  digits, spaces/dashes allowed inside) or a landline with area code is not.
* Every 13-digit number is an order id (order ids are 13 digits); one that is
  not the buyer's own is another buyer's. Longer runs (tracking numbers) are
  not order ids.
* A known foreign phone tail counts only as a standalone 4-digit group with a
  phone word (手机, 电话, 尾号, 号码, 后四位) within 8 characters, so a size or a
  year that happens to have the same digits does not.
* Any link is refused, Taobao's own included: the agent desk has no way to
  tell a shop link from a phishing one, and replies never need one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from shop.policy_config import ShopPolicy
from shop.policy_types import CheckContext, Views, Violation

PAYMENT = "off_platform_payment"
CONTACT = "off_platform_contact"
OTHER_BUYER = "other_buyer_data"

_PHONE_WORDS = re.compile(r"手机|电话|尾号|号码|后四位|后4位")
_PHONE_WINDOW = 8


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on first use (not at import), once per process."""
    return {
        "payment": re.compile(
            r"银行转账|转账|汇款|打款|卡号|银行账[户号]|对公账户|收款码|收款账[户号]"
            r"|线下(?:付款?|交易|支付)|私下(?:付款?|交易|转)|扫码(?:付款?|支付|转)"
            r"|微信(?:支付|付款|转账|收款)|支付宝(?:转账|账号|账户|收款)"
        ),
        "contact": re.compile(
            r"加?(?:微信号?|威信|薇信|徽信|v信|微x|扣扣|企鹅号|飞机号)|加微"
            # No look-ahead for letters: folding glues the id on ("v x: abc" → "vxabc").
            r"|(?<![a-z])加?(?:qq|vx|wx|weixin|wechat|whatsapp|telegram)|加v(?!ip)"
        ),
        "phone": re.compile(
            r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"
        ),
        "link": re.compile(
            r"https?://[a-z0-9./?=&_%#:~+-]*|www\.[a-z0-9.-]+|t\.me/[a-z0-9_/]*"
            r"|[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}"
            r"|(?<![a-z0-9.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*"
            r"\.(?:com|cn|net|org|me|cc|top|xyz|io|vip|shop|link|info|co)(?![a-z0-9])"
        ),
        "order_id": re.compile(r"(?<!\d)\d{13}(?!\d)"),
        "four_digits": re.compile(r"(?<!\d)\d{4}(?!\d)"),
    }


def check(views: Views, context: CheckContext, policy: ShopPolicy) -> Iterator[Violation]:
    """Off-platform payment/contact and other buyers' order ids or phone tails."""
    del policy  # the payment rule is categorical (policy: offline_or_bank_transfer: never)
    pats, folded, norm = _patterns(), views.folded, views.norm

    paid: list[tuple[int, int]] = []
    for m in pats["payment"].finditer(folded.text):
        paid.append(m.span())
        yield views.violation(
            folded,
            *m.span(),
            PAYMENT,
            "「{span}」引导了平台外付款，只能在淘宝下单付款，请删去",
        )
    for m in pats["contact"].finditer(folded.text):
        if not any(s <= m.start() < e for s, e in paid):  # "微信支付" is reported once
            yield views.violation(
                folded,
                *m.span(),
                CONTACT,
                "「{span}」是站外联系方式，请只在本平台的对话里沟通，删去该内容",
            )
    for m in pats["phone"].finditer(norm.text):
        yield views.violation(
            norm,
            *m.span(),
            CONTACT,
            "「{span}」是完整的电话号码，请删去（需要提及时用****隐去中间几位）",
        )
    for m in pats["link"].finditer(norm.text):
        yield views.violation(
            norm,
            *m.span(),
            CONTACT,
            "「{span}」是链接或网址，请删去，请引导买家在淘宝店铺内查看",
        )
    for m in pats["order_id"].finditer(norm.text):
        if m.group() not in context.own_order_ids:
            yield views.violation(
                norm,
                *m.span(),
                OTHER_BUYER,
                "包含其他订单号「{span}」，订单信息只能告诉下单账号本人，请删去或核对订单号",
            )
    foreign = context.known_foreign_phone_last4 - {context.own_phone_last4}
    if foreign:
        for m in pats["four_digits"].finditer(norm.text):
            window = norm.text[max(0, m.start() - _PHONE_WINDOW) : m.end() + _PHONE_WINDOW]
            if m.group() in foreign and _PHONE_WORDS.search(window):
                yield views.violation(
                    norm,
                    *m.span(),
                    OTHER_BUYER,
                    "包含其他买家的手机尾号「{span}」，买家信息只能告诉本人，请删去",
                )
