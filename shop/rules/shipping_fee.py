"""Shipping fee quotes from the shipping policy and a product's free-shipping flag.

A product marked `free_shipping` ships free; otherwise an order reaching the
policy's threshold ships free and a smaller one pays the standard fee. The
default courier is the policy's; a courier offered on request (顺丰) costs the
policy's surcharge. Regions the policy lists as remote get a quote from an
agent. Pure: every number comes from the `ShippingPolicy` passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from shop.policy.config import ShippingPolicy


@dataclass(frozen=True)
class ShippingQuote:
    """The decision; `rule` names the case, `courier_rule` the courier add-on."""

    rule: str
    fee: float
    courier: str
    threshold: float
    standard_fee: float
    amount: float | None = None
    courier_rule: str | None = None  # "courier_on_request" | "courier_other" | None
    courier_requested: str | None = None
    surcharge: float = 0.0
    region: str | None = None

    @property
    def handoff(self) -> bool:
        return self.rule == "shipping_remote_region"


def mentioned_region(text: str, regions: Sequence[str]) -> str | None:
    """The first policy region named in the buyer's message, if any."""
    return next((region for region in regions if region in text), None)


def _courier(requested: str | None, policy: ShippingPolicy) -> tuple[str | None, str | None, float]:
    if not requested or requested == policy.default_courier:
        return None, None, 0.0
    if requested in policy.couriers_on_request:
        return "courier_on_request", requested, float(policy.sf_surcharge)
    return "courier_other", requested, 0.0


def quote(
    policy: ShippingPolicy,
    *,
    free_shipping: bool | None = None,
    amount: float | Decimal | None = None,
    courier: str | None = None,
    region: str | None = None,
) -> ShippingQuote:
    """Quotes the fee; `free_shipping`/`amount` None means no product is known."""
    courier_rule, requested, surcharge = _courier(courier, policy)
    common = {
        "courier": policy.default_courier,
        "threshold": float(policy.free_shipping_threshold),
        "standard_fee": float(policy.standard_fee),
        "amount": float(amount) if amount is not None else None,
        "courier_rule": courier_rule,
        "courier_requested": requested,
        "surcharge": surcharge,
    }
    if region is not None:
        return ShippingQuote(rule="shipping_remote_region", fee=0.0, region=region, **common)
    if free_shipping:
        return ShippingQuote(rule="shipping_free_product", fee=0.0, **common)
    if amount is None:
        return ShippingQuote(rule="shipping_general", fee=float(policy.standard_fee), **common)
    if float(amount) >= float(policy.free_shipping_threshold):
        return ShippingQuote(rule="shipping_free_threshold", fee=0.0, **common)
    return ShippingQuote(rule="shipping_standard_fee", fee=float(policy.standard_fee), **common)
