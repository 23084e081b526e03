"""Invoice questions (intent ask_invoice): every fact from `policy.invoices`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.base import ActionDraft, Context, Reply, ShopAction
from shop.policy.config import load_policy
from shop.policy.vocabulary import load_vocabulary


class ActionInvoice(ShopAction):
    """Explains the invoice policy; a shop that charges for invoices asks an agent."""

    needs_buyer = False

    def name(self) -> str:
        return "action_invoice"

    def draft(self, ctx: Context, *, session: Session) -> ActionDraft:
        policy = load_policy().invoices
        facts = {
            "free": policy.free,
            "titles": list(policy.titles),
            "sent_within_days": policy.sent_within_days,
            "extra_postage_charged": policy.extra_postage_charged,
        }
        # The template says "free, no postage": only true for such a policy.
        if not policy.free or policy.extra_postage_charged:
            return ActionDraft(
                [Reply("utter_invoice_agent")],
                rule="invoice_agent",
                facts=facts,
                handoff=True,
                handoff_reason="invoice_terms",
            )
        words = {
            "titles": load_vocabulary().join(policy.titles),
            "sent_within_days": policy.sent_within_days,
        }
        return ActionDraft([Reply("utter_invoice", words)], rule="invoice_policy", facts=facts)
