"""The service-policy checker: what a reply to a buyer may not say (responses/policy.yml).

Pure text rules, no SQLAlchemy (checked by ``make lint``); the context of a buyer's
orders and promotions is read from the database by ``shop.store.policy_context``.
"""

from shop.policy.check import RULE_CODES, CheckContext, Promotion, Violation, check_text, is_compliant

__all__ = ["RULE_CODES", "CheckContext", "Promotion", "Violation", "check_text", "is_compliant"]
