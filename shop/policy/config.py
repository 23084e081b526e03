"""The shop's service policy (responses/policy.yml) as typed, read-only values.

A real shop edits that file, so every number and phrase a reply or a check
uses comes from here; nothing in the code repeats them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from paths import POLICY_FILE


@dataclass(frozen=True)
class ShippingPolicy:
    dispatch_within_hours: int
    default_courier: str
    couriers_on_request: tuple[str, ...]
    sf_surcharge: float
    free_shipping_threshold: float
    standard_fee: float
    transit_days: tuple[int, int]
    stale_tracking_hours: int
    no_remote_regions: tuple[str, ...]


@dataclass(frozen=True)
class ReturnsPolicy:
    no_reason_days: int
    quality_issue_days: int
    condition: str
    no_reason_return_shipping_paid_by: str
    insurance_payout_days: int
    exchanges_per_order_without_fault: int
    refund_processed: str
    cash_on_delivery_returns_accepted: bool
    price_protection_days: int
    # A "yes" below this intent confidence files no return: an agent decides (actions/confirm.py).
    file_on_affirm_confidence: float


@dataclass(frozen=True)
class PromotionsPolicy:
    coupons_per_order: int
    coupon_applied_at: str
    sale_price_protection_days: int


@dataclass(frozen=True)
class BargainingPolicy:
    negotiate_price: bool
    max_goodwill_coupon: float
    offer: tuple[str, ...]


@dataclass(frozen=True)
class InvoicePolicy:
    free: bool
    titles: tuple[str, ...]
    sent_within_days: int
    extra_postage_charged: bool


@dataclass(frozen=True)
class TonePolicy:
    address_buyer_as: tuple[str, ...]
    greeting: str
    forbidden_phrases: tuple[str, ...]
    never_promise: tuple[str, ...]


@dataclass(frozen=True)
class FollowUpPolicy:
    # An agent task still open after this long is flagged overdue in the desk's list.
    overdue_after_hours: int = 24


@dataclass(frozen=True)
class ProactivePolicy:
    # No unasked message to a buyer between these local times ("22:00", "09:00"); None: any time.
    quiet_hours: tuple[str, str] | None = None


@dataclass(frozen=True)
class ShopPolicy:
    shipping: ShippingPolicy
    returns: ReturnsPolicy
    promotions: PromotionsPolicy
    bargaining: BargainingPolicy
    invoices: InvoicePolicy
    remind_unpaid_after_hours: int
    order_info_only_to_owner: bool
    tone: TonePolicy
    follow_ups: FollowUpPolicy = FollowUpPolicy()
    proactive: ProactivePolicy = ProactivePolicy()


def _tuples(section: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in section.items()}


def parse_policy(raw: dict) -> ShopPolicy:
    """Builds the typed policy; a missing or misspelt key fails loudly here."""
    tone = _tuples(raw["tone"])
    return ShopPolicy(
        shipping=ShippingPolicy(**_tuples(raw["shipping"])),
        returns=ReturnsPolicy(**raw["returns"]),
        promotions=PromotionsPolicy(**raw["promotions"]),
        bargaining=BargainingPolicy(**_tuples(raw["bargaining"])),
        invoices=InvoicePolicy(**_tuples(raw["invoices"])),
        remind_unpaid_after_hours=raw["payment"]["remind_unpaid_after_hours"],
        order_info_only_to_owner=raw["privacy"]["order_info_only_to_the_account_that_placed_it"],
        tone=TonePolicy(**tone),
        follow_ups=FollowUpPolicy(**raw.get("follow_ups", {})),
        proactive=ProactivePolicy(**_tuples(raw.get("proactive", {}))),
    )


@lru_cache(maxsize=4)
def load_policy(path: Path = POLICY_FILE) -> ShopPolicy:
    """Reads the policy file once per process (edit it, restart the servers)."""
    with open(path, encoding="utf-8") as fh:
        return parse_policy(yaml.safe_load(fh))
