"""Absolute advertising claims (广告法 第九条: 最佳, 第一, 国家级 ...).

"最" and "第一" are also everyday words, so each has an allow-list of uses
that describe time, quantity or advice rather than rank the product:

* 最近 最后 最终 最早 最晚 最迟 最多 最少 最新 (最新物流 is a tracking fact);
  最大码/最小码/最大号/最小号 (the size range); 最适合/最合适 (a size
  recommendation for this buyer, not a ranking of the product);
  最高/最低 followed by a number ("水温最高30℃").
* 最好 as advice: followed by 是, 不要, 别, 先, 用, 选, 手洗, 冷水 ... ("最好是冷水洗");
  "质量最好", "最好的面料", "最好看" stay claims.
* 最快 is NOT allowed: "最快明天到" promises a delivery date, which the policy
  forbids (give the usual transit days instead).
* 第一次 第一时间 第一天 第一步 第一件 第一个 第一位 第一条 第一单 第一眼
  第一张 第一页 第一项 第一点 第一批 第一周 第一句 (order, not rank).
* 100% / 百分百 next to a fibre name is a fabric composition ("100%棉"),
  anything else ("100%不掉色") a claim.
Always claims: 绝对, 万能, 顶级, 国家级, 永久, 完全不会, 独一无二, 首选, 无敌,
史无前例, 极致, 行业领先.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from shop.policy.config import ShopPolicy
from shop.policy.types import CheckContext, Views, Violation

CODE = "absolute_claim"
REASON = "「{span}」是广告法不允许的绝对化用语，请改为客观的描述（例如具体参数或做法）"

_MOST_OK = ("最近", "最后", "最终", "最早", "最晚", "最迟", "最多", "最少", "最新", "最适合", "最合适")
_MOST_OK += ("最大码", "最小码", "最大号", "最小号")
_FIRST_OK = tuple(
    "第一" + w
    for w in (
        "次",
        "时间",
        "天",
        "步",
        "件",
        "个",
        "位",
        "条",
        "单",
        "眼",
        "张",
        "页",
        "项",
        "点",
        "批",
        "周",
        "句",
    )
)
_ADVICE = r"(?:是|不要|不|别|先|用|能|还是|选|在|尽快|及时|提前|单独|避免|手洗|干洗|冷水|机洗|平铺|反面|阴干|拍|参考|联系|按|把|放|要|可以)"
_FIBRE = re.compile(
    r"棉|毛|丝|麻|涤|纶|绒|胶|纤维|莫代尔|cotton|wool|silk|polyester|viscose|spandex|cashmere|linen"
)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on first use (not at import), once per process."""
    return {
        "claim": re.compile(
            r"最[\u4e00-\u9fff]{0,3}|第一|(?:100\s*%|百分之?百)|绝对|万能|顶级|国家级|永久|完全不会"
            r"|独一无二|首选|无敌|史无前例|极致|(?:行业|全国|全球|世界|遥遥)领先"
        ),
        "most_ok": re.compile(rf"最好{_ADVICE}|最[高低]\s*\d"),
    }


def _allowed(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    if word.startswith("最"):
        return text.startswith(_MOST_OK, start) or bool(_patterns()["most_ok"].match(text, start))
    if word == "第一":
        return text.startswith(_FIRST_OK, start)
    if word[0] in "1百":  # composition: the fibre name right before or after
        return bool(_FIBRE.search(text, max(0, start - 4), min(len(text), end + 4)))
    return False


def check(views: Views, context: CheckContext, policy: ShopPolicy) -> Iterator[Violation]:
    """Superlatives and absolute promises, minus the everyday uses above."""
    del context, policy  # the word list is advertising law, not shop policy
    norm = views.norm
    for m in _patterns()["claim"].finditer(norm.text):
        start, end = m.span()
        if _allowed(norm.text, start, end):
            continue
        if m.group().startswith("最"):  # report "最便宜", not "最便宜的"
            end = start + 1 + len(m.group()[1:].split("的")[0].rstrip("了哦啦呢吧"))
        yield views.violation(norm, start, end, CODE, REASON)
