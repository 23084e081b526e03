"""The intents an agent (or a trainer) can pick for a buyer message (docs/architecture.md)."""

INTENTS = (
    "greet", "goodbye", "thank", "affirm", "deny", "ask_size", "ask_order_status",
    "request_return", "bargain", "ask_promotion", "ask_fabric_care", "ask_stock",
    "ask_shipping_fee", "change_address", "ask_invoice", "complain", "request_human", "out_of_scope",
)  # fmt: skip
