"""Table-driven tests of the policy checker: text → expected violation codes.

The context is tb_linlin's (demo shop): her order 5021873340003 and phone tail
3821 are hers; tb_ahua's 5507 and tb_newbie's 1190 are someone else's. The
promotions come from the demo shop file, as the DB would give them.
"""

from __future__ import annotations

import dataclasses
import re

import opencc
import pytest
import yaml

from paths import DEMO_SHOP_FILE
from shop.policy import CheckContext, Promotion, check_text, is_compliant
from shop.policy.config import load_policy
from shop.policy.promises import NEVER_PROMISE_RULES

POLICY = load_policy()
F, P, M = "forbidden_phrase", "no_polite_address", "money_beyond_allowed"
PAY, CON, OTHER, ABS = "off_platform_payment", "off_platform_contact", "other_buyer_data", "absolute_claim"
EMPTY = "empty_reply"
PROMISE, DATE, REFUND, BLAME = "absolute_promise", "delivery_date_promise", "early_refund", "blame_shifting"


def _demo_promotions() -> tuple[Promotion, ...]:
    with open(DEMO_SHOP_FILE, encoding="utf-8") as fh:
        promos = yaml.safe_load(fh)["promotions"]
    offered = [p for p in promos if p["id"] in POLICY.bargaining.offer]
    return tuple(
        Promotion(p["threshold"], p["discount"]) if "threshold" in p else Promotion(None, p["amount"])
        for p in offered
    )


CONTEXT = CheckContext(
    own_order_ids=frozenset({"5021873340003", "5021873340004"}),
    own_phone_last4="3821",
    known_foreign_phone_last4=frozenset({"5507", "1190"}),
    allowed_promotions=_demo_promotions(),
)

CASES: list[tuple[str, tuple[str, ...]]] = [
    # --- tone: forbidden phrases, politeness, empty replies -----------------
    ("亲，这个问题我也不知道呢", (F,)),
    ("亲，不行吗？那我帮您再看看", (F,)),
    ("您好，這個真的沒辦法", (F,)),
    ("您好，不-可-以哦", (F,)),
    ("亲，不 知 道呢", (F,)),
    ("亲，不，知道", (F,)),
    ("亲，不😊知\u200b道", (F,)),
    ("亲，本店不议价的", (F,)),
    ("親，恕不退換哦", (F,)),
    ("亲，您看要不？知道尺码的话告诉我", ()),  # 不 and 知道 are in two sentences
    ("好的，马上为你查询", (P,)),
    ("好的，马上帮你查，这个不知道", (F, P)),
    ("", (EMPTY,)),
    ("   ", (EMPTY,)),
    ("😊😊", (EMPTY,)),
    ("亲～", ()),
    ("您好，我是木棉家女装的客服圈圈，感谢您的光临～", ()),
    # --- money ----------------------------------------------------------------
    ("亲，可以送您一张3元优惠券哦", ()),
    ("亲，给您一张5元的优惠券", ()),
    ("亲，给您5块钱红包", ()),
    ("亲，给您6元优惠券", (M,)),
    ("亲，给您10元红包", (M,)),
    ("亲，帮您申请便宜20块", (M,)),
    ("亲，可以给您少收10元", (M,)),
    ("亲，这单给您优惠一下，减十元", (M,)),
    ("亲，优惠一下给您二十块吧", (M,)),
    ("亲，返现20元给您", (M,)),
    ("亲，让利10元给您", (M,)),
    ("亲，折扣20元", (M,)),
    ("亲，给您補償10元", (M,)),
    ("亲，新客可以领5元无门槛优惠券", ()),
    ("亲，全店满199减20，凑单更划算哦", ()),
    ("亲，现在满199元减20元", ()),
    ("亲，满199减20，相当于便宜了20元", ()),
    ("亲，满300减30哦", (M,)),
    ("亲，可以直接减20元", (M,)),
    ("亲，给您打8折", (M,)),
    ("亲，这款可以八五折", (M,)),
    ("亲，给您打个折吧", (M,)),
    ("亲，我们店铺商品不打折哦，可以用满199减20的活动", ()),
    ("亲，这单给您免单", (M,)),
    ("亲，收到后全额返现", (M,)),
    ("亲，这件699元的大衣可以用券", ()),
    ("亲，券后价679元", ()),
    ("亲，顺丰需要补12元运费差价", ()),
    ("亲，订单满99元包邮哦", ()),
    ("亲，晾晒时可以对折搭在晾衣杆上", ()),
    # --- off-platform payment and contact -------------------------------------
    ("亲，可以银行转账给我们", (F, PAY)),
    ("亲，直接转账到这个卡号就行", (PAY, PAY)),
    ("亲，用微信支付也可以", (PAY,)),
    ("亲，我们可以线下付款", (F, PAY)),
    ("亲，加我微信聊", (CON,)),
    ("亲，加我v x：mumian88", (CON,)),
    ("亲，微 信 号发您了", (CON,)),
    ("亲，VX：mumian88", (CON,)),
    ("亲，加个威信吧", (CON,)),
    ("亲，V信联系", (CON,)),
    ("亲，Q Q 123456 联系我", (CON,)),
    ("亲，扣扣联系", (CON,)),
    ("亲，有事打我电话13800138000", (CON,)),
    ("亲，电话 138 0013 8000", (CON,)),
    ("亲，电话 0571-88886666", (CON,)),
    ("亲，快递员电话 138****0000", ()),
    ("亲，看这里 https://example.com/x", (CON,)),
    ("亲，www.mumian.cn 有更多款式", (CON,)),
    ("亲，联系 t.me/mumian", (CON,)),
    ("亲，去 mumian.com 看看", (CON,)),
    ("亲，尺码是XL，腰围76cm", ()),
    # --- other buyers' data ---------------------------------------------------
    ("亲，您的订单5021873340003已经发货啦", ()),
    ("亲，订单5021873349001已经发货了", (OTHER,)),
    ("亲，手机尾号5507的买家", (OTHER,)),
    ("亲，您的手机尾号3821已验证", ()),
    ("亲，这款已经卖出5507件啦", ()),
    ("亲，运单号75300000000031", ()),
    # --- absolute claims ------------------------------------------------------
    ("亲，这是全网最便宜的", (ABS,)),
    ("亲，质量最好的一款", (ABS,)),
    ("亲，最低价了", (ABS,)),
    ("亲，最快明天就能到", (ABS, DATE)),  # 最快 is a claim, 明天就能到 a delivery date
    ("亲，销量第一", (ABS,)),
    ("亲，100%不掉色", (ABS,)),
    ("亲，百分百满意", (ABS,)),
    ("亲，绝对正品", (ABS,)),
    ("亲，顶级面料", (ABS,)),
    ("亲，完全不会缩水", (ABS,)),
    ("亲，永久保修", (ABS,)),
    ("亲，国家级工艺", (ABS,)),
    ("亲，万能百搭款", (ABS,)),
    ("亲，您最好是冷水手洗哦", ()),
    ("亲，最近一条物流是派件中", ()),
    ("亲，最晚明天发出", ()),
    ("亲，最多可以用1张优惠券", ()),
    ("亲，最大码是XL", ()),
    ("亲，水温最高30℃", ()),
    ("亲，根据您的身高体重，最适合M码", ()),
    ("亲，我们第一时间为您处理", ()),
    ("亲，第一次洗涤可能轻微浮色", ()),
    ("亲，面料是100%棉", ()),
    ("亲，棉100%，很舒服", ()),
    # --- clean, realistic replies ---------------------------------------------
    (
        "亲，您的包裹已由中通快递发出，单号75300000000031，最新物流：【上海市】派件中，"
        "快递员 张师傅 138****0000。一般3-4天送达哦～",
        (),
    ),
    ("实在抱歉，让您焦急了，您拍下物品的当天我们就给您发了中通快递，您看这是给您查询的物流走向信息", ()),
    ("亲，您的订单5021873340003已由中通快递发出，单号75300000000031，一般3-4天送达哦～", ()),
    (
        "亲，我们家是统一定价的哦，不过现在全店满199减20，新客还可以领5元无门槛优惠券，您可以看看哦～",
        (),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t[:16] or "empty" for t, _ in CASES])
def test_case(text: str, expected: tuple[str, ...]) -> None:
    found = check_text(text, context=CONTEXT)
    assert sorted(v.code for v in found) == sorted(expected), found
    assert is_compliant(text, context=CONTEXT) is (not expected)


_S2T = opencc.OpenCC("s2t")
# Phrases that are also an off-platform payment suggestion get both codes ...
_ALSO = {"银行转账": (PAY,), "线下付款": (PAY,)}
# ... and phrases that shift the blame are a blame_shifting breach as well.
_ALSO |= {p: (BLAME,) for p in ("这不是我们的错", "不属于我们的问题", "我们不能负责", "找快递公司索赔")}


def _variants(phrase: str) -> dict[str, str]:
    return {
        "plain": phrase,
        "traditional": _S2T.convert(phrase),
        "spaced": " ".join(phrase),
        "punctuated": "，".join(phrase),
        "dashed": "-".join(phrase),
        "zero_width_emoji": "\u200b".join(phrase[:-1]) + "🙂" + phrase[-1],
        "full_width_space": "\u3000".join(phrase),
    }


@pytest.mark.parametrize("phrase", POLICY.tone.forbidden_phrases)
def test_every_forbidden_phrase_in_every_disguise(phrase: str) -> None:
    for how, variant in _variants(phrase).items():
        found = check_text(f"亲，{variant}呢", context=CONTEXT)
        codes = sorted(v.code for v in found)
        assert codes == sorted((F, *_ALSO.get(phrase, ()))), (how, variant, found)
        hit = next(v for v in found if v.code == F)
        assert f"「{phrase}」" in hit.reason
        assert hit.span.replace(" ", "").replace("\u3000", "")  # the disguised text as written


def test_reason_says_what_to_change_and_span_is_the_original_text() -> None:
    (v,) = check_text("親，這個我們不 知 道呢")
    assert v.code == F
    assert v.reason.startswith("包含禁用语「不知道」") and "请" in v.reason
    assert v.span == "不 知 道"
    assert v.start == "親，這個我們".__len__()


def test_every_reason_is_chinese() -> None:
    for text, _ in CASES:
        for v in check_text(text, context=CONTEXT):
            assert re.search(r"[\u4e00-\u9fff]", v.reason) and "请" in v.reason, v


def test_values_come_from_the_policy_not_the_code() -> None:
    generous = dataclasses.replace(
        POLICY,
        bargaining=dataclasses.replace(POLICY.bargaining, max_goodwill_coupon=10.0),
        tone=dataclasses.replace(POLICY.tone, forbidden_phrases=("稍等",), address_buyer_as=("宝",)),
    )
    assert check_text("宝，给您10元优惠券，不知道", policy=generous) == []
    codes = sorted(v.code for v in check_text("亲，请稍等", policy=generous))
    assert codes == sorted([F, P])
    (v,) = check_text("宝，给您20元优惠券", policy=generous)
    assert "最高10元" in v.reason


def test_without_promotions_every_full_reduction_is_refused() -> None:
    assert [v.code for v in check_text("亲，全店满199减20")] == [M]


# Issue 16: each of these passed the checker; each breaks a rule of responses/policy.yml.
ISSUE_16 = [
    ("亲，这不是我们的问题", BLAME, "不是我们的问题"),
    ("亲，跟我们没关系", BLAME, "跟我们没关系"),
    ("亲，保证不掉色", PROMISE, "保证"),
    ("亲，明天一定到", DATE, "明天一定到"),
    ("亲，您打钱到我支付宝就行", PAY, "打钱"),
    ("亲，加我wei信", CON, "加我wei信"),
    ("亲，先给您退款，衣服不用寄回了", REFUND, "先给您退款"),
]


@pytest.mark.parametrize(("text", "code", "span"), ISSUE_16, ids=[c for _, c, _ in ISSUE_16])
def test_issue_16_breaches_are_caught_with_rule_and_span(text: str, code: str, span: str) -> None:
    found = check_text(text, context=CONTEXT)
    hit = next((v for v in found if v.code == code), None)
    assert hit is not None, found
    assert span in hit.span and f"「{hit.span}」" in hit.reason and "请" in hit.reason


def test_every_never_promise_item_has_a_rule() -> None:
    """A new ``never_promise`` line in the policy fails here until a rule checks it."""
    for item in POLICY.tone.never_promise:
        rule = next((code for start, code in NEVER_PROMISE_RULES.items() if item.startswith(start)), None)
        assert rule is not None, f"no rule for never_promise item {item!r}"
