"""Money a reply promises: coupons, discounts and cash-back beyond the policy.

Prices are not negotiated; an agent may offer at most
``policy.bargaining.max_goodwill_coupon`` yuan, and a reply may point to the
shop's promotions (passed in as ``CheckContext.allowed_promotions``).

How an amount counts as "promised money": it stands right next to a discount
word (优惠券, 券, 红包, 便宜, 减, 返现, 折扣, 少收, 让利, 补偿, 抵扣 ...):
keyword then amount ("便宜您10块", "立减10", "优惠一下给您十元", up to 4
characters apart) or amount then keyword ("10元优惠券", "5元无门槛优惠券", up to
3 apart). Closer than a whole clause on purpose: "这件699元的大衣可以用券" names a
price, not a coupon. Never across a comma or full stop, never a 满X threshold,
never a "券后价/优惠价" (a price after the discount).

Allowed: amounts up to the goodwill maximum, a coupon promotion's amount, and
a 满X减Y promotion's discount when that promotion is named in the same reply
("满199减20，相当于便宜了20元"). A 满X减Y that is not a passed promotion is
refused. 打X折 / X折, 免单 and 全额返 are refused when prices are not negotiated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from shop.policy.config import ShopPolicy
from shop.policy.types import CheckContext, Promotion, Views, Violation

CODE = "money_beyond_allowed"

# Financial numerals (壹贰叁 ... 拾佰仟) are how an amount is written to slip past a filter.
_CN_DIGITS = dict(zip("零一二两三四五六七八九", (0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_DIGITS |= dict(zip("〇壹贰叁肆伍陆柒捌玖", range(10), strict=True))
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "拾": 10, "佰": 100, "仟": 1000}
_CN = "零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"

_NUM = rf"(?:\d+(?:\.\d+)?|[{_CN}]+)"
_UNIT = r"(?:块钱|元|块|圆|rmb)"
# "券后价", "优惠价", "折后" name a price after a discount, not the discount.
_KW = (
    r"(?:(?:无门槛券|优惠券|红包|返现|折扣|少收|少算|少拿|让利|便宜|立减|减免|减价|补偿|补贴|抵扣|减|返|抵)(?!后)"
    r"|(?:优惠|券)(?![后价]))"
)
_GAP_BEFORE = r"[^\d,。!?;:\n满]{0,4}?"  # never across a clause or into a 满X threshold
_GAP_AFTER = r"[^\d,。!?;:\n]{0,3}?"
# A bare number right after the keyword is money unless a unit says otherwise.
_NOT_MONEY = r"(?!\d|\.\d|\s*(?:%|折|件|张|天|小时|cm|kg|斤|号|码|个|次|单|年|月|日|点|分|万|些|下|倍))"
_CLAUSE_BEFORE = "满\\d.零一二两三四五六七八九十百千"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on first use (not at import), once per process."""
    return {
        "promo": re.compile(
            rf"满\s*(?P<t>{_NUM})\s*{_UNIT}?\s*(?:就|可以|可|即|立|再|还)?\s*"
            rf"(?:立减|立省|减|省|优惠)\s*(?P<d>{_NUM})\s*{_UNIT}?"
        ),
        "kw_amount": re.compile(
            r"(?=[无优红返折少让便立减补抵券])"  # the keywords' first characters: a cheap filter
            rf"{_KW}(?:\s*(?:您|你)?个?\s*¥?\s*(?P<n1>\d+(?:\.\d+)?|[{_CN}]+){_NOT_MONEY}(?:\s*{_UNIT})?"
            rf"|{_GAP_BEFORE}(?P<n2>{_NUM})\s*{_UNIT})"
        ),
        # "8块8的红包": the jiao after the unit does not break the match.
        "amount_kw": re.compile(
            rf"(?<![{_CLAUSE_BEFORE}])(?P<n>{_NUM})\s*{_UNIT}(?:\d|[一二三四五六七八九])?的?{_GAP_AFTER}{_KW}"
        ),
        "rate": re.compile(
            r"打\s*[个了]?\s*(?:\d+(?:\.\d+)?|[一二三四五六七八九]{1,2})?\s*折(?![腾叠痕旧射算合断])"
            r"|按\s*(?:\d(?:\.\d)?|[一二三四五六七八九]{1,2})\s*折"
            r"|(?<![打对转周曲骨百\d.按])(?:\d(?:\.\d)?|[一二三四五六七八九]{1,2})\s*折"
            r"(?![腾叠痕旧射算合断扣])"
        ),
        "free": re.compile(r"免单|全额返现?|0元购"),
        # An unpriced discount offered: "给您少算点", "帮您便宜一些".
        "haggle": re.compile(r"(?:给您|帮您|给你)(?:再)?(?:少算|便宜|少收|优惠|让)(?:点|一点|一些|些|个价)"),
    }


def parse_amount(text: str) -> float | None:
    """'20' / '5.00' / '二十' / '两' / '一百二十' → number; None if unreadable."""
    if text[0].isdigit():
        return float(text)
    if not any(ch in _CN_UNITS for ch in text):  # "五", "二五": digit by digit
        digits = [_CN_DIGITS.get(ch) for ch in text]
        return None if None in digits else float("".join(map(str, digits)))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            return None
    return float(total + (digit or 0))


def _same(a: float, b: float | None) -> bool:
    return b is not None and abs(a - b) < 0.005


def _negated(text: str, start: int) -> bool:
    """'不打折', '没有免单', '不能打折': a refusal, not an offer."""
    return any(ch in "不没无" for ch in text[max(0, start - 3) : start])


def _is_promotion(threshold: float | None, discount: float | None, promos: tuple[Promotion, ...]) -> bool:
    """满threshold减discount is one of the passed threshold promotions."""
    return (
        threshold is not None
        and discount is not None
        and any(
            p.threshold is not None and _same(threshold, p.threshold) and _same(discount, p.amount)
            for p in promos
        )
    )


def check(views: Views, context: CheckContext, policy: ShopPolicy) -> Iterator[Violation]:
    """Money promised beyond the goodwill coupon or the passed promotions."""
    pats, norm, text = _patterns(), views.norm, views.norm.text
    maximum = policy.bargaining.max_goodwill_coupon
    promos = context.allowed_promotions
    covered: list[tuple[int, int]] = []
    named_discounts: list[float] = []

    for m in pats["promo"].finditer(text):
        covered.append(m.span())
        threshold, discount = parse_amount(m["t"]), parse_amount(m["d"])
        if _is_promotion(threshold, discount, promos):
            named_discounts.append(discount)
        else:
            yield views.violation(
                norm,
                *m.span(),
                CODE,
                "「{span}」不是店铺现有的满减活动，请删去，只介绍店铺正在进行的活动",
            )

    allowed = [maximum, *named_discounts, *(p.amount for p in promos if p.threshold is None)]
    for name in ("kw_amount", "amount_kw"):
        for m in pats[name].finditer(text):
            if any(s <= m.start() < e or s < m.end() <= e for s, e in covered):
                continue
            group = next(g for g in ("n", "n1", "n2") if m.groupdict().get(g))
            amount = parse_amount(m[group])
            if amount is None or amount <= maximum + 0.005 or any(_same(amount, a) for a in allowed):
                continue
            covered.append(m.span())
            yield views.violation(
                norm,
                *m.span(),
                CODE,
                f"「{{span}}」承诺的优惠超过了店铺允许的最高{maximum:g}元，"
                f"请改为不超过{maximum:g}元的优惠券，或引导买家使用店铺现有活动",
            )

    if policy.bargaining.negotiate_price:
        return
    for m in pats["rate"].finditer(text):
        if not _negated(text, m.start()):
            yield views.violation(
                norm,
                *m.span(),
                CODE,
                "「{span}」是打折承诺，店铺商品不议价，请删去，可以引导买家使用店铺现有活动",
            )
    for m in pats["haggle"].finditer(text):
        if not _negated(text, m.start()):
            yield views.violation(
                norm,
                *m.span(),
                CODE,
                "「{span}」是议价承诺，店铺商品不议价，请删去，可以引导买家使用店铺现有活动",
            )
    for m in pats["free"].finditer(text):
        if not _negated(text, m.start()):
            yield views.violation(
                norm,
                *m.span(),
                CODE,
                "「{span}」承诺了免单或全额返现，超出店铺允许的优惠，请删去",
            )
