"""The checker is pure (no DB/Rasa/Telegram imports, no I/O at import) and fast.

The speed test measures and reports (``-s`` or the JUnit property), it does
not assert a time: CI machines vary too much for a timed assertion.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from shop.policy import CheckContext, Promotion, check_text

ROOT = Path(__file__).resolve().parents[3]

# A realistic ~200-character reply (tracking answer plus a promotion hint).
REPLY = (
    "亲，让您久等了～您的深蓝色直筒牛仔裤已经通过中通快递发出啦，运单号是75300000000031。"
    "您看这是给您查询的最新物流信息：【上海市】派件中，快递员 张师傅 138****0000。"
    "一般发货后3-4天左右送达，具体以快递的实际派送为准，请您留意一下快递电话哦～"
    "另外店里现在全店满199减20，新客还可以领5元无门槛优惠券，订单5021873340003的售后问题也可以随时找我，"
    "我们会第一时间为您处理，祝您生活愉快～"
)
CONTEXT = CheckContext(
    own_order_ids=frozenset({"5021873340003"}),
    own_phone_last4="3821",
    known_foreign_phone_last4=frozenset({"5507", "1190"}),
    allowed_promotions=(Promotion(199.0, 20.0), Promotion(None, 5.0)),
)


def test_import_is_pure_and_does_no_io() -> None:
    probe = (
        "import sys, shop.policy, shop.policy.config as c\n"
        "bad = [m for m in ('sqlalchemy', 'rasa', 'rasa_sdk', 'telegram', 'opencc') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "assert c.load_policy.cache_info().currsize == 0, 'policy loaded at import'\n"
    )
    subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True)


def test_speed_of_1000_checks(record_property: pytest.RecordProperty) -> None:
    assert 180 <= len(REPLY) <= 220
    assert check_text(REPLY, context=CONTEXT) == []  # warm-up: policy, patterns, OpenCC
    start = time.perf_counter()
    for _ in range(1000):
        check_text(REPLY, context=CONTEXT)
    elapsed = time.perf_counter() - start
    record_property("policy_check_1000x200chars_seconds", round(elapsed, 3))
    print(f"\n1000 checks of a {len(REPLY)}-char reply: {elapsed * 1000:.0f} ms ({elapsed:.3f} ms each)")
