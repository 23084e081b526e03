"""Promises a reply must not make: guarantees, delivery dates, early refunds.

``tone.never_promise`` in the policy lists, in words, what a reply never
promises; each item has a rule (``NEVER_PROMISE_RULES``, a test keeps the two
lists in step):

* a discount or coupon above ``max_goodwill_coupon`` — ``money_beyond_allowed``
  (``shop.policy.money``);
* a refund before the returned parcel is received — ``early_refund``: "先给您
  退款", "衣服不用寄回了" next to a refund, "仅退款", "退款后再寄回";
  not "收到退件后马上为您退款" nor "您先申请退货退款" (the buyer's step);
* a delivery date — ``delivery_date_promise``: a day (今天/明天/周五/12号/
  12月5日 ...) with an arrival word (到/送达/收到 ...) "明天一定到",
  "周五前能收到"; not the usual transit time ("一般3-4天送达"), a dispatch
  day ("最晚明天发出") or a tracking fact ("今天已经到达杭州").

And the guarantees of ``absolute_promise``: 保证/一定/肯定/打包票/包 +
an outcome ("保证不掉色", "肯定不会起球", "包您满意", "包退包换",
"永远不会变形"), but not "请保证吊牌完好" (what the buyer must do),
"会有一定的色差", "不一定", "包邮", "包装", "多多包涵".
Matched on the folded view; negated, asked, conditional or quoted uses are
skipped (``shop.policy.scope``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from shop.policy.config import ShopPolicy
from shop.policy.scope import clause_before, is_statement
from shop.policy.types import CheckContext, Views, Violation

PROMISE = "absolute_promise"
DATE = "delivery_date_promise"
REFUND = "early_refund"

# never_promise item (as worded in responses/policy.yml, matched by its start) → rule code.
NEVER_PROMISE_RULES = {
    "a discount or coupon above max_goodwill_coupon": "money_beyond_allowed",
    "a refund before the returned parcel is received": REFUND,
    "a delivery date": DATE,
}

_REASONS = {
    PROMISE: "「{span}」是绝对化的保证，实际情况可能做不到，请改为客观说明（例如具体面料、洗护方法或售后保障）",
    DATE: "「{span}」承诺了送达日期，请改为说明一般发货后几天送达、以快递实际派送为准",
    REFUND: "「{span}」承诺了在收到退件之前退款，请说明收到退件后再为买家处理退款",
}

_OUTCOME = (
    r"(?:不会?|没|不再)(?:掉色|褪色|退色|起球|缩水|缩|变形|坏|开线|脱线|起皱|染色|过敏|出问题|有问题|串色|勾丝|发黄|掉|褪)"
    r"|(?:掉色|褪色|起球|缩水|变形)不了|满意|合适|合身|没问题|正品|好评|到货?|送到|送达|收到|发货|发出|能到|能收到|能穿"
    r"|给您退|给您赔|给您换|退款|赔|包退|有货|不会错|不踩雷|不后悔"
)
_DAY = (
    r"(?:今天|今日|今晚|明天|明日|明早|明晚|明儿|后天|大后天|这周[一二三四五六日天末]?|本周[一二三四五六日天末]?"
    r"|下周[一二三四五六日天末]?|周[一二三四五六日天末]|星期[一二三四五六日天]|礼拜[一二三四五六日天]"
    r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号]"
    r"|(?<![\d月])\d{1,2}号|月底|月初|节前|年前|过年前|\d{1,2}点前"
    r"|(?:国庆|元旦|春节|中秋|五一|端午|双十一|双11|双十二|618)(?:节)?(?:之前|以前|前))"
    r"(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})点)?"
)
_ARRIVE = r"(?:送到|送达|到货|到达|收到|签收|到手|到家|到您手|寄到|派送到|能到|会到|就到|准到|到)"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        # Each starts with a look-ahead listing its alternatives' first characters
        # (a cheap filter: most positions fail there).
        PROMISE: re.compile(
            r"(?=[保一肯必包准打给向百永根决绝都不])(?:"
            r"(?<![请需要须必务麻确您])保证(?!金|书|期)"
            rf"|(?<![不说])(?:一定|肯定|必定|必然)(?:会|能|可以|是|给您|帮您|让您)?(?:{_OUTCOME})"
            r"|(?<![确])保(?:准|您|你)(?!持|存|管|留|修|养|暖|质|密)|包准|准保|打包票|(?:给|向)您?保证|百分百保证|包(?:您|你)(?:满意|喜欢|合适|没问题|不|穿)|包退包换|包赔"
            r"|(?:永远|永久|一辈子|根本|决|绝|都)不(?:会|可能)?(?:掉色|褪色|起球|缩水|变形|坏|开线|出问题|有问题)"
            r"|不可能(?:会)?(?:掉色|褪色|起球|缩水|变形|坏|开线|出问题|有问题))"
        ),
        DATE: re.compile(
            r"(?=[今明后大这本下周星礼月节年过国元春中五端双6\d一二三四五六七八九十])"
            rf"{_DAY}(?:下午|上午|晚上|早上|中午|傍晚)?(?:之前|以前|前|内|以内)?"
            rf"(?:就|肯定|一定|保证|准|绝对|能|可以|会|必|必须|包)*(?:给您|帮您|为您)?(?:送)?{_ARRIVE}"
            # "周一到周五": a range, not a promise
            r"(?!过|周|星期|礼拜|\d|[一二三四五六七八九十]+[号日点])"
        ),
        REFUND: re.compile(
            r"先(?:给您|为您|帮您)?(?:把(?:钱|款|货款))?(?:退款|退钱|退给您|退您|退了|把钱退|办理退款|打款|返款)"
            r"|(?:钱|款|货款)(?:全|全部|都)?(?:退给您|退您|退回给您)"
            r"|(?:东西|衣服|商品|货|包裹|宝贝)(?:您|你)?(?:就)?留着"
            r"|(?:不用|不需要|无需|不必|不要|免)(?:再)?(?:把?(?:衣服|商品|宝贝|东西|货|包裹|裙子|裤子|外套|大衣|毛衣)?"
            r"(?:寄回|退回|寄过来|寄给我们|退货|发回|寄了|寄啦|退了))"
            r"|仅退款|(?:退款|退钱)(?:给您)?(?:之后|以后|后|完)(?:您)?再(?:寄回|退回|寄|发回)"
            r"|(?:马上|立刻|立即|现在|今天|直接)(?:就)?(?:给您|为您|帮您)?(?:退款|退钱|把钱退|退给您|退您)"
        ),
        "received": re.compile(
            r"收到(?:您的?)?(?:退件|退货|寄回|退回|包裹|商品|货|衣服)|退件|入库|仓库签收|验收"
        ),
        "refund_word": re.compile(r"退款|退钱|款|退给您|退您|钱"),
        "buyer_step": re.compile(r"(?:您|你|亲)(?:可以|需要|要|先)?$"),
        "modal": re.compile(r"就|能|会|可以|肯定|一定|保证|准|必|包"),
        "buyer_duty": re.compile(r"请|麻烦|需要|务必|记得|寄回|退回|寄出|寄过来"),
        "tracking_fact": re.compile(r"已经?|显示|物流|正在|派件|中转|发往"),
    }


def _promise(views: Views, m: re.Match[str]) -> bool:
    text = views.folded.text
    if m.group().startswith("保证"):
        sentence = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        if _patterns()["buyer_duty"].search(sentence):
            return False  # "请把商品包好寄回，保证吊牌完好": what the buyer must do
    return is_statement(views, views.folded, m.start(), conditions=False)


def _date(views: Views, m: re.Match[str]) -> bool:
    # "今天已经到达杭州" / "物流显示明天派送到" read tracking, not promise.
    if _patterns()["tracking_fact"].search(m.group()):
        return False
    # "今天到的这批新款" describes goods, "今天到了吗" asks about a fact;
    # "这周六能到的", "明天就到了" still promise.
    if views.folded.text.startswith(("的", "了"), m.end()) and not _patterns()["modal"].search(m.group()):
        return False
    before = clause_before(views, views.folded, m.start())
    if _patterns()["tracking_fact"].search(before[-6:]):
        return False
    return is_statement(views, views.folded, m.start(), conditions=False)


def _refund(views: Views, m: re.Match[str]) -> bool:
    pats, folded = _patterns(), views.folded
    text = folded.text
    sentence_start = text.rfind("\n", 0, m.start()) + 1
    sentence_end = text.find("\n", m.end())
    sentence = text[sentence_start : sentence_end if sentence_end >= 0 else len(text)]
    if pats["received"].search(text, sentence_start, m.start()):
        return False  # "收到退件后马上为您退款"
    word = m.group()
    no_return = word.startswith(("不用", "不需要", "无需", "不必", "不要", "免")) or word.endswith("留着")
    if no_return and not pats["refund_word"].search(sentence):
        return False  # "不用寄回", "衣服您留着" only matter next to a refund
    if word.startswith("先") and pats["buyer_step"].search(clause_before(views, folded, m.start())):
        return False  # "您先申请退款": the buyer's step on the platform
    if word.startswith(("不用", "不需要", "无需", "不必", "不要", "免")):
        return not any(q in clause_before(views, folded, m.start()) for q in ("如果", "是否", "要不要"))
    return is_statement(views, folded, m.start(), conditions=False)


_ACCEPT = {PROMISE: _promise, DATE: _date, REFUND: _refund}


def check(views: Views, context: CheckContext, policy: ShopPolicy) -> Iterator[Violation]:
    """Guarantees, delivery dates and refunds before the return arrives."""
    del context, policy  # phrasings; the money item lives in shop.policy.money
    pats, folded = _patterns(), views.folded
    for code, accept in _ACCEPT.items():
        for m in pats[code].finditer(folded.text):
            if accept(views, m):
                yield views.violation(folded, *m.span(), code, _REASONS[code])
