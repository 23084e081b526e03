"""What happens when a buyer wants to change the delivery address of an order.

Pure. Before dispatch an agent edits the address (we collect the new one);
after dispatch an agent asks the courier to redirect the parcel; a finished
order cannot be redirected, so we say so kindly and offer help.
"""

from __future__ import annotations

from shop.rules.decision import Decision
from shop.rules.order_status import base_facts, shipment_facts
from shop.rules.order_view import BEFORE_DISPATCH, OrderView


def decide_address_change(order: OrderView) -> Decision:
    """The reply for an address change on one order."""
    facts = base_facts(order)
    if order.status in BEFORE_DISPATCH:
        return Decision(
            "address_before_dispatch",
            "address_before_dispatch",
            facts,
            handoff_reason="address_change_before_dispatch",
        )
    if order.status == "shipped":
        return Decision(
            "address_after_dispatch",
            "address_after_dispatch",
            facts | shipment_facts(order),
            handoff_reason="address_change_after_dispatch",
        )
    return Decision("address_order_finished", "address_order_finished", facts)
