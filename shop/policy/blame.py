"""Blame-shifting: a reply that pushes the problem away from the shop.

A family, not a list: the denial ("这不是我们的问题", "不属于本店的责任"),
no relation ("跟我们没关系", "与本店无关", "不关我们的事"), refusing
responsibility ("我们概不负责", "这个我们管不了"), blaming the buyer
("是您自己的问题", "谁让您没看尺码表") and sending the buyer to the courier
("是快递的问题，您自己去找快递").

Not blame: taking the blame ("不是您的问题，是我们的疏忽"), asking
("这是不是我们的问题？我帮您查一下"), a condition ("如果是我们的问题，来回运
费我们承担"), the buyer's own words, and naming the courier's part while acting
("物流的原因，我们已经帮您催件了": 原因 is allowed for the courier, 问题/责任 not).
Matched on the folded view, so spaces, emoji or Traditional script do not hide it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from shop.policy.config import ShopPolicy
from shop.policy.scope import is_statement
from shop.policy.types import CheckContext, Views, Violation

CODE = "blame_shifting"
REASON = "「{span}」是在推卸责任，请先安抚买家，说明我们会怎么帮买家解决（例如帮您联系快递核实处理）"

_US = r"(?:(?:我们|咱们|咱)(?:店铺|店里|家|店|这边)?|我方|本店|店铺|店里|商家|卖家|我这边|小店)"
_FAULT = r"(?:问题|错|过错|责任|原因|事|事情|锅)"
_YOU = r"(?:您|你|亲)"
_COURIER = r"(?:快递|物流|快递公司|快递员|顺丰|中通|韵达|圆通|申通|邮政|京东)"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    # The look-ahead lists every alternative's first character: most positions
    # of a reply then fail at once instead of trying twenty alternatives.
    return re.compile(
        "(?=[不并跟和与同关概一没无管是属都那这纯您你亲别怎怪只我咱本店商卖小锅责背谁赖自去找事问])(?:"
        + "|".join(
            (
                rf"(?:不是|不属于|并非|并不是|不算|不在于|不归){_US}的?{_FAULT}",
                rf"(?:跟|和|与|同){_US}(?:没|没有|无|毫无|没什么|没啥|扯不上)(?:任何)?(?:关系|关|干系|责任)",
                rf"(?:跟|和|与){_US}无关",
                rf"不(?:关|干){_US}(?:的|什么|啥)?事",
                rf"关{_US}(?:什么|啥)事",
                r"(?:概不|一概不|不|不会|没法|无法|不能|没有)(?:负责|负任何责任|承担责任|管这个|背锅)",
                r"(?:管不了|管不着|不管的)",
                rf"(?:是|属于|都是|那是|这是|纯属){_YOU}(?:自己|个人)?的?(?:问题|原因|责任|错|过错)",
                rf"{_YOU}自己(?:的问题|的原因|的责任|没看|没注意|没选|弄的|搞的|不小心|操作|[\u4e00-\u9fff]?错)",
                rf"(?:不能|别|不要|不该|不应该|怎么能)怪{_US}|怪不(?:了|得|着){_US}",
                rf"只能(?:由)?{_YOU}?自己承担|{_YOU}自己承担(?!运费|邮费)",
                rf"{_US}只(?:负责|管)(?!到底)",
                rf"(?:锅|责任){_US}?(?:不背|不担|不负)|背锅",
                rf"{_US}(?:概不|不|不会)承担(?:任何)?(?:责任|损失)?(?!运费|邮费|来回|差价)",
                rf"谁让{_YOU}",
                rf"(?<![难奇责见])(?:怪|赖)(?:{_COURIER}|{_YOU})",
                rf"(?:是|属于|都是|那是|这是|纯属){_COURIER}(?:那边)?的?(?:问题|责任|错|锅)",
                rf"(?:自己|自行)(?:去)?(?:找|联系|问|跟){_COURIER}",
                rf"(?:去)?找{_COURIER}(?:去|吧|要|索赔|索要|理论|投诉)",
                rf"(?<=的)(?:事|问题|事情)(?:请|就)?{_YOU}?(?:去)?找{_COURIER}",
            )
        )
        + ")"
    )


def check(views: Views, context: CheckContext, policy: ShopPolicy) -> Iterator[Violation]:
    """Every blame-shifting statement (not asked, conditional or quoted)."""
    del context, policy  # a family of phrasings, no shop facts involved
    folded = views.folded
    for m in _pattern().finditer(folded.text):
        if is_statement(views, folded, m.start()):
            yield views.violation(folded, *m.span(), CODE, REASON)
