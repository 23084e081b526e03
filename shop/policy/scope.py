"""Is a matched phrase said by the shop, as a statement? Negation, questions,
conditions and the buyer's own words, for the phrase-family rules.

The families (blame, guarantees, off-platform payment, early refunds) are
matched on the folded view, which has no commas. Whether the match is a claim
the shop makes is decided on the clause before it in the normalised view
(from the last comma or sentence end):

* negated: "我们不会让您打钱到支付宝", "请勿添加任何人的微信" — a negation word
  earlier in the clause (不会, 不要, 请勿, 没有 ...; a bare 不/没 only right
  before the match), minus idioms that negate nothing ("不用担心", "不好意思"),
  so "不好意思，打钱到我支付宝" stays a breach;
* a question: "这是不是我们的问题？" (A-not-A right before the match);
* a condition: "如果是我们的问题，..." / "不管是不是 ..." in the same clause;
* reported speech: "您说希望先退款 ..." or the buyer's words in quotes after
  说/问/提到 ("您说的「跟你们没关系」我们理解").

Off-platform payment and contact are never allowed, so they are checked
``strict``: only a prohibition or the buyer's words exempt them.

Data (phone numbers, links, ids, order numbers) is never exempted: quoting
a number still sends it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from shop.policy.textfold import TextView
from shop.policy.types import Views

# After NFKC: "，" → ",", "！" → "!", "～" → "~"; "、" and "。" stay.
_CLAUSE_ENDS = frozenset(",、。!?;:\n\r~")
_SENTENCE_ENDS = frozenset("。!?;\n\r")
_LOOK_BACK = 40
_OPEN_QUOTES = "“「『‘《"
_CLOSE_QUOTES = "”」』’》"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        # A negation right before the match: "不打折", "不会让您打钱".
        "adjacent_negation": re.compile(r"(?:不|没|别|勿)[有让叫要求请您你们再去把钱私下直接随便轻易]{0,4}$"),
        # ... or anywhere earlier in the clause: "请勿添加任何人的微信或QQ".
        "negation": re.compile(
            r"不会|不要|不用|不需要|不必|无需|切勿|请勿|不能|不可以|不可|不支持|不接受|不允许|不提供"
            r"|绝不|决不|从不|从来不|禁止|严禁|谨防|小心|警惕|防止|拒绝|没有|不存在|不建议|不得|不该|不应该"
            r"|千万别|(?<![特区类分级性个识告辨鉴])别(?![的人家样款])"
        ),
        # For the categorical rules (payment, contact): only a prohibition counts.
        "prohibition": re.compile(
            r"请勿|切勿|不要|千万别|谨防|不会|不能|不可以|不支持|不接受|不允许|不提供|严禁|禁止"
            r"|绝不|决不|从不|拒绝|不建议|防止|警惕|小心"
        ),
        "quoting_buyer": re.compile(r"(?:您|你)(?:刚才|刚刚|之前)?(?:说|问|提到)的?$"),
        # Idioms with a negation word in them that negate nothing after them.
        "idioms": re.compile(
            r"不好意思|不客气|不用担心|不用着急|不要着急|别着急|别担心|不要担心|没关系|没问题|不用客气"
            r"|不用谢|没有问题|别客气"
        ),
        "condition": re.compile(r"如果|若|要是|假如|万一|即使|就算|不管|无论|是否|假设|如是|倘若|一旦"),
        "a_not_a": re.compile(r"(?:是|有|会|能)$"),
        # The buyer's words: said anywhere earlier in the clause ("您说快递员讲 ..."),
        # but not "您说得对"; a wish only right before the match ("您希望先退款"),
        # since "您想要的话，…" is a condition the shop answers with a promise.
        "reported": re.compile(
            r"(?:您|你)(?:刚才|刚刚|之前|上次|这边)?(?:说(?![得的]对|的是|的没错)|问|提到|反馈|表示|的意思是|是说"
            r"|觉得|认为|担心|担忧|怀疑|以为)|买家说|顾客说|有人说|网上说"
        ),
        "wish": re.compile(r"(?:您|你)(?:是)?(?:想|希望|要求|想要|需要的是|要的是)$"),
        "attribution": re.compile(r"说|问|提到|讲|写|留言|反馈|意思|称|叫"),
    }


def _norm_index(views: Views, view: TextView, start: int) -> int:
    """Index in the normalised view of ``view[start]``."""
    return bisect_left(views.norm.origin, view.origin[start])


def clause_before(views: Views, view: TextView, start: int) -> str:
    """The normalised text of the clause before ``view[start]``, whitespace dropped."""
    text, end = views.norm.text, _norm_index(views, view, start)
    begin = end
    while begin > 0 and end - begin < _LOOK_BACK and text[begin - 1] not in _CLAUSE_ENDS:
        begin -= 1
    return "".join(text[begin:end].split())


def clause_around(views: Views, view: TextView, start: int) -> str:
    """The normalised clause that ``view[start]`` stands in (comma to comma)."""
    text, at = views.norm.text, _norm_index(views, view, start)
    begin, end = at, at
    while begin > 0 and at - begin < _LOOK_BACK and text[begin - 1] not in _CLAUSE_ENDS:
        begin -= 1
    while end < len(text) and end - at < _LOOK_BACK and text[end] not in _CLAUSE_ENDS:
        end += 1
    return text[begin:end]


def _in_quoted_speech(views: Views, at: int) -> bool:
    """Inside quotes that follow 说/问/提到 ... in the same sentence."""
    text = views.norm.text
    begin = at
    while begin > 0 and at - begin < _LOOK_BACK * 2 and text[begin - 1] not in _SENTENCE_ENDS:
        begin -= 1
    opened = -1
    for i in range(begin, at):
        ch = text[i]
        if ch in _OPEN_QUOTES or (ch == '"' and opened < 0):
            opened = i
        elif ch in _CLOSE_QUOTES or ch == '"':
            opened = -1
    if opened < 0:
        return False
    return bool(_patterns()["attribution"].search(text, max(begin, opened - 10), opened))


def is_statement(
    views: Views, view: TextView, start: int, *, strict: bool = False, conditions: bool = True
) -> bool:
    """False when ``view[start:]`` is negated, asked, conditional or the buyer's words.

    ``strict`` (off-platform payment and contact, never allowed in any form):
    only a prohibition ("请勿", "不要", "不支持" ...) or the buyer's words right
    before the match or in quotes exempt it, so "如果需要可以加我微信" and
    "您想要优惠的话加我微信" stay breaches. ``conditions=False`` (promises): a
    condition does not take a promise back ("如果有质量问题一定给您赔").
    """
    pats = _patterns()
    before = clause_before(views, view, start)
    if strict:
        if pats["adjacent_negation"].search(before) or pats["quoting_buyer"].search(before):
            return False
        if pats["prohibition"].search(pats["idioms"].sub("", before)):
            return False
        return not _in_quoted_speech(views, _norm_index(views, view, start))
    if pats["adjacent_negation"].search(before) or (conditions and pats["condition"].search(before)):
        return False
    if pats["negation"].search(pats["idioms"].sub("", before)):
        return False
    if view.text.startswith(("不", "没"), start) and pats["a_not_a"].search(before):
        return False  # 是不是 / 有没有 / 会不会: a question
    if pats["reported"].search(before) or pats["wish"].search(before):
        return False
    return not _in_quoted_speech(views, _norm_index(views, view, start))
