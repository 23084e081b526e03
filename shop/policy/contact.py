"""Off-platform payment or contact in a reply.

Keywords are matched on the folded view (``shop.policy.textfold``), so "微 信",
"v x", "Q-Q", "V信", "wei信" and "薇❤" are found; phone numbers on the
``digits`` view, so "1 3 8 0 0 1 3 8 0 0 0", "１３８..." and "一三八零零..."
are the same number; links on the normalised view, where dots keep their shape.

Choices:
* A family of ways to ask for money outside Taobao: bank transfer, "打钱到我
  支付宝", "转给我", "V我", "不走平台", "收款码". Negated or quoted uses
  ("我们不会让您打钱到支付宝", "请不要私下转账") are warnings, not breaches
  (``shop.policy.scope``). Paying with 支付宝 on the order page is the
  platform's own payment and is fine.
* A masked number such as "138****0000" (a courier's phone in a tracking
  event) is allowed: it is already redacted. A full mobile (1[3-9] + 9
  digits) or a landline with area code is not, unless it ends with the
  buyer's own phone tail (the buyer's own number, read back to them).
* Any link is refused, Taobao's own included: the agent desk has no way to
  tell a shop link from a phishing one, and replies never need one.
Other buyers' order ids, tracking numbers and phone tails: ``shop.policy.numbers``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from shop.policy.config import ShopPolicy
from shop.policy.scope import clause_around, is_statement
from shop.policy.types import CheckContext, Views, Violation

PAYMENT = "off_platform_payment"
CONTACT = "off_platform_contact"

_WECHAT = r"(?:微信|威信|薇信|徽信|维信|卫信|v信|wei信|微x|薇x|weixin|wechat|vx|wx)"
_MINE = r"(?:我的|我|个人|私人|本人)"
_PLATFORM = r"(?:淘宝|平台|天猫|旺旺|店铺)"
_HEARTS = "❤♥❣💕💖💗💓💘💙💚💛💜🧡🖤🤍🤎😘"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on first use (not at import), once per process."""
    return {
        # The look-ahead lists the alternatives' first characters (a cheap filter).
        "payment": re.compile(
            r"(?=[银转汇打卡对收付线私扫微威薇徽维卫vw支钱直款存我个本zv红发不绕淘平天旺店站二])(?:"
            r"银行转账|转账|汇款|打款|卡号|银行账[户号]|对公账户|收款码|收款账[户号]|付款码"
            r"|线下(?:付款?|交易|支付|转)|私下(?:付款?|交易|转|给)|扫码(?:付款?|支付|转)"
            rf"|{_WECHAT}(?:支付|付款|转账|收款|转|付|红包)|支付宝(?:转账|账号|账户|收款|转|给我)"
            rf"|(?:打|转|汇)钱|(?:转|汇|打)到?(?:个人|私人)(?:账户|账号|卡)|直接转我(?:{_WECHAT}|支付宝)?|转我(?:就|吧)"
            r"|钱(?:直接)?(?:转|打|汇)(?:给|到)我(?!们)"
            rf"|(?:钱|款|付款|支付)(?:可以|就|直接)?(?:走|用|通过|发){_WECHAT}"
            r"|(?:存|转|打|汇)(?:到|进|入)(?:这个|我的?|以下|下面的?)(?:账户|账号|卡|银行卡)"
            rf"|(?:打|转|汇|付)(?:给|到){_MINE}的?(?:{_WECHAT}|支付宝|zfb|账户|账号|卡|银行卡)"
            rf"|{_MINE}的?(?:支付宝|zfb|支付bao|银行卡|收款)|zfb|zhifubao|支付bao"
            rf"|v我\d*|红包(?:转|发)给?{_MINE}|发红包给{_MINE}"
            rf"|不走{_PLATFORM}|绕过{_PLATFORM}|绕开{_PLATFORM}|{_PLATFORM}外(?:交易|付款|支付|转)"
            rf"|站外(?:交易|付款|支付|转)|不(?:用|要|必)?(?:在|通过|经过|走)?{_PLATFORM}(?:上|里)?(?:拍|下单|付款|交易|买|付)"
            r"|二维码(?:付|转)|(?:付款|收款|转账)二维码)"
        ),
        "contact": re.compile(
            rf"(?:加(?:我|个|下|一下)?)?{_WECHAT}号?|加微|加(?:我|个|下|一下)?[薇威]|扣扣|企鹅号?|飞机号|卫星号"
            r"|(?:抖音|小红书|微博|快手)(?:号|上?搜|私信|找我)|加(?:我的?)?(?:支付宝|zfb)(?:好友)?"
            r"|公众号|视频号|(?:我的|私人)(?:号|账号|id)(?:是)?[a-z][a-z0-9_]{3,}"
            # No look-ahead for letters: folding glues the id on ("v x: abc" → "vxabc").
            r"|(?<![a-z])加?(?:qq|whatsapp|telegram|line号)|加v(?!ip)"
        ),
        "fraud_warning": re.compile(r"骗子|诈骗|骗局|谨防|警惕|小心上当|不要相信|别相信|冒充"),
        "hearts": re.compile(rf"(?:[微薇威维卫]|v|wei)\s*[{_HEARTS}]"),
        "mobile": re.compile(r"(?<!\d)(?:86)?1[3-9]\d{9}(?!\d)"),
        "landline": re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"),
        "link": re.compile(
            r"https?://[a-z0-9./?=&_%#:~+-]*|www\.[a-z0-9.-]+|t\.me/[a-z0-9_/]*"
            r"|[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}"
            r"|(?<![a-z0-9.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*"
            r"\.(?:com|cn|net|org|me|cc|top|xyz|io|vip|shop|link|info|co)(?![a-z0-9])"
        ),
    }


def _warns_of_fraud(views: Views, at: int) -> bool:
    """The clause warns the buyer ("让您线下转钱的都是骗子"), it does not ask; only
    the same clause, so "加我微信，谨防假冒" is still an invitation."""
    return bool(_patterns()["fraud_warning"].search(clause_around(views, views.folded, at)))


def _payment_and_contact(views: Views) -> Iterator[Violation]:
    pats, folded = _patterns(), views.folded
    paid: list[tuple[int, int]] = []
    for m in pats["payment"].finditer(folded.text):
        if is_statement(views, folded, m.start(), strict=True) and not _warns_of_fraud(views, m.start()):
            paid.append(m.span())
            yield views.violation(
                folded, *m.span(), PAYMENT, "「{span}」引导了平台外付款，只能在淘宝下单付款，请删去"
            )
    contact_reason = "「{span}」是站外联系方式，请只在本平台的对话里沟通，删去该内容"
    for m in pats["contact"].finditer(folded.text):
        inside_payment = any(s <= m.start() < e for s, e in paid)  # "微信支付" is reported once
        if (
            not inside_payment
            and is_statement(views, folded, m.start(), strict=True)
            and not _warns_of_fraud(views, m.start())
        ):
            yield views.violation(folded, *m.span(), CONTACT, contact_reason)
    for m in pats["hearts"].finditer(views.norm.text):
        yield views.violation(views.norm, *m.span(), CONTACT, contact_reason)


def check(views: Views, context: CheckContext, policy: ShopPolicy) -> Iterator[Violation]:
    """Off-platform payment or contact: keywords, phone numbers, links."""
    del policy  # the payment rule is categorical (policy: offline_or_bank_transfer: never)
    pats, norm, digits = _patterns(), views.norm, views.digits
    yield from _payment_and_contact(views)
    phone_reason = "「{span}」是完整的电话号码，请删去（需要提及时用****隐去中间几位）"
    for view in (digits, views.digit_list) if views.digit_list is not digits else (digits,):
        for m in pats["mobile"].finditer(view.text):
            if context.own_phone_last4 is None or not m.group().endswith(context.own_phone_last4):
                yield views.violation(view, *m.span(), CONTACT, phone_reason)
    for m in pats["landline"].finditer(norm.text):
        yield views.violation(norm, *m.span(), CONTACT, phone_reason)
    for m in pats["link"].finditer(norm.text):
        yield views.violation(
            norm, *m.span(), CONTACT, "「{span}」是链接或网址，请删去，请引导买家在淘宝店铺内查看"
        )
