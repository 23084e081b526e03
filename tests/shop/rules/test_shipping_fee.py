"""Table tests of the shipping quotes (shop.rules.shipping_fee), numbers from the policy file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shop.policy.config import load_policy
from shop.rules.shipping_fee import mentioned_region, quote

POLICY = load_policy().shipping

CASES = [
    # (id, free_shipping, amount, rule, fee)
    ("0201 free product", True, Decimal("699.00"), "shipping_free_product", 0.0),
    ("cheap but free product", True, Decimal("50.00"), "shipping_free_product", 0.0),
    ("0164 over threshold", False, Decimal("189.00"), "shipping_free_threshold", 0.0),
    ("exactly the threshold", False, Decimal("99.00"), "shipping_free_threshold", 0.0),
    ("0363 under threshold", False, Decimal("79.00"), "shipping_standard_fee", POLICY.standard_fee),
    ("just under", False, 98.99, "shipping_standard_fee", POLICY.standard_fee),
    ("no product", None, None, "shipping_general", POLICY.standard_fee),
]


@pytest.mark.parametrize(("free", "amount", "rule", "fee"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fee_per_product_and_amount(free, amount, rule, fee) -> None:
    result = quote(POLICY, free_shipping=free, amount=amount)
    assert (result.rule, result.fee) == (rule, fee)
    assert result.courier == POLICY.default_courier
    assert result.courier_rule is None and result.surcharge == 0.0


def test_policy_numbers_are_the_demo_ones() -> None:
    # The table above reads the policy; this pins what the demo shop promises.
    assert (POLICY.free_shipping_threshold, POLICY.standard_fee, POLICY.sf_surcharge) == (99.0, 10.0, 12.0)


def test_sf_on_request_costs_the_surcharge() -> None:
    result = quote(POLICY, free_shipping=True, amount=699, courier="顺丰速运")
    assert (result.courier_rule, result.surcharge, result.courier_requested) == (
        "courier_on_request",
        POLICY.sf_surcharge,
        "顺丰速运",
    )


def test_default_courier_is_no_request_and_others_are_not_offered() -> None:
    assert quote(POLICY, courier=POLICY.default_courier).courier_rule is None
    assert quote(POLICY, courier="韵达快递").courier_rule == "courier_other"


def test_remote_region_goes_to_an_agent() -> None:
    region = mentioned_region("寄到香港多少运费", POLICY.no_remote_regions)
    result = quote(POLICY, free_shipping=True, amount=699, region=region)
    assert (result.rule, result.region, result.handoff) == ("shipping_remote_region", "香港", True)
    assert mentioned_region("寄到杭州多少运费", POLICY.no_remote_regions) is None
