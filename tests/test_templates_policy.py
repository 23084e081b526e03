"""Every reply template, filled with plausible facts, passes the policy check.

Works for whatever templates exist under responses/templates/ (other parts of
the project add them); fails if there are none. Placeholders without a sample
below get a neutral "示例", so a new template is checked from the day it lands.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from paths import DEMO_SHOP_FILE, TEMPLATES_DIR
from shop.policy import CheckContext, Promotion, check_text
from shop.policy.config import load_policy

POLICY = load_policy()
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _demo_shop() -> dict:
    with open(DEMO_SHOP_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _offered() -> list[dict]:
    return [p for p in _demo_shop()["promotions"] if p["id"] in POLICY.bargaining.offer]


# What the actions would pass for tb_linlin's shipped order 5021873340003 and
# the demo catalogue; policy facts come from the policy, shop facts from the shop.
SAMPLE = {
    "product": "深蓝色直筒牛仔裤",
    "order_id": "5021873340003",
    "courier": POLICY.shipping.default_courier,
    "courier_requested": "京东快递",
    "couriers_on_request": "、".join(POLICY.shipping.couriers_on_request),
    "tracking_no": "75300000000031",
    "latest_event": "【上海市】派件中，快递员 张师傅 138****0000",
    "signed_event": "【北京市】已签收，签收人：本人",
    "color": "深蓝",
    "colors": "白色、雾蓝",
    "other_colors": "驼色",
    "size": "M",
    "sizes": "S、M、L",
    "size_small": "M",
    "size_large": "L",
    "size_text": "M码",
    "measurements": "身高162cm、体重57.5kg",
    "by_measure": "身高对应M码，胸围对应L码",
    "outside_measures": "胸围",
    "measure": "身高和体重",
    "quantity": "2",
    "restock_days": "7",
    "summary": "红色 S、M、XL 有货，驼色 S、M、L 有货",
    "composition": "羊毛80%、锦纶20%",
    "care": "建议干洗；不可机洗、不可漂白；平铺晾干，避免暴晒",
    "pilling_fibres": "羊毛",
    "shrink_fibres": "棉",
    "fading_reasons": "深色真丝",
    "risks": "羊毛遇热水容易缩水",
    "price": "199.00",
    "fee": f"{POLICY.shipping.standard_fee:g}",
    "standard_fee": f"{POLICY.shipping.standard_fee:g}",
    "threshold": f"{POLICY.shipping.free_shipping_threshold:g}",
    "surcharge": f"{POLICY.shipping.sf_surcharge:g}",
    "dispatch_hours": str(POLICY.shipping.dispatch_within_hours),
    "hours_left": "28",
    "hours_since_paid": "50",
    "transit_min": str(POLICY.shipping.transit_days[0]),
    "transit_max": str(POLICY.shipping.transit_days[1]),
    "stale_hours": str(POLICY.shipping.stale_tracking_hours),
    "region": POLICY.shipping.no_remote_regions[0],
    "condition": POLICY.returns.condition,
    "no_reason_days": str(POLICY.returns.no_reason_days),
    "quality_days": str(POLICY.returns.quality_issue_days),
    "refund_processed": POLICY.returns.refund_processed,
    "insurance_payout_days": str(POLICY.returns.insurance_payout_days),
    "exchanges_allowed": str(POLICY.returns.exchanges_per_order_without_fault),
    "exchanges_used": "0",
    "days_since_signed": "3",
    "price_protection_days": str(POLICY.returns.price_protection_days),
    "coupons_per_order": str(POLICY.promotions.coupons_per_order),
    "coupon_applied_at": "在下单结算时选择",
    "promotions": "；".join(p["text"] for p in _offered()),
    "newcomer_offers": "；".join(p["text"] for p in _offered() if p.get("newcomer_only")),
    "titles": "或".join(POLICY.invoices.titles),
    "sent_within_days": str(POLICY.invoices.sent_within_days),
    "greeting": POLICY.tone.greeting,
    "order_list": "深蓝色直筒牛仔裤（5021873340003）、羊绒混纺高领毛衣（5021873340004）",
}
NEUTRAL = "示例"

CONTEXT = CheckContext(
    own_order_ids=frozenset({"5021873340003", "5021873340004"}),
    own_phone_last4="3821",
    known_foreign_phone_last4=frozenset({"5507", "1190"}),
    allowed_promotions=tuple(
        Promotion(p["threshold"], p["discount"]) if "threshold" in p else Promotion(None, p["amount"])
        for p in _offered()
    ),
)


def _variants() -> list[tuple[str, str]]:
    """(file:template#n, text) for every text variant of every template file."""
    found = []
    for path in sorted(Path(TEMPLATES_DIR).glob("*.yml")):
        with open(path, encoding="utf-8") as fh:
            responses = (yaml.safe_load(fh) or {}).get("responses") or {}
        for name, variants in responses.items():
            for n, variant in enumerate(variants or []):
                if isinstance(variant, dict) and variant.get("text"):
                    found.append((f"{path.name}:{name}#{n}", variant["text"]))
    return found


VARIANTS = _variants()


def fill(text: str) -> str:
    return _PLACEHOLDER.sub(lambda m: SAMPLE.get(m.group(1), NEUTRAL), text)


def test_there_are_templates() -> None:
    assert VARIANTS, f"no template variants with text under {TEMPLATES_DIR}"


@pytest.mark.parametrize(("where", "text"), VARIANTS, ids=[w for w, _ in VARIANTS])
def test_template_passes_policy(where: str, text: str) -> None:
    filled = fill(text)
    violations = check_text(filled, context=CONTEXT)
    assert not violations, "\n".join(f"{where}: {v.code} 「{v.span}」 {v.reason}" for v in violations)
