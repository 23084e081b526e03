"""What a buyer's non-text message says, in words an agent can read on the card.

Locations, venues and contacts carry no text and no file, and an edited message
is not a new one: without this their content never reached the desk. The
wording comes from responses/gateway.yml (`agent.inbound_*`). A contact's phone
is masked: an agent needs to know which contact it is, not the whole number.
"""

from __future__ import annotations

from telegram import Message

from desk import texts

SHOWN_PHONE_DIGITS = 4


def mask_phone(phone: str | None) -> str:
    """All but the last four digits hidden: "13812345678" -> "*******5678"."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if not digits:
        return texts.agent("inbound_no_phone")
    shown = digits[-SHOWN_PHONE_DIGITS:]
    return "*" * (len(digits) - len(shown)) + shown


def describe_content(message: Message) -> str | None:
    """The agent-facing description of a location, venue or contact; None for anything else."""
    if message.venue is not None:
        venue = message.venue
        return texts.agent(
            "inbound_venue",
            title=venue.title,
            address=venue.address,
            latitude=venue.location.latitude,
            longitude=venue.location.longitude,
        )
    if message.location is not None:
        location = message.location
        return texts.agent("inbound_location", latitude=location.latitude, longitude=location.longitude)
    if message.contact is not None:
        contact = message.contact
        name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
        return texts.agent("inbound_contact", name=name, phone=mask_phone(contact.phone_number))
    return None


def edited_text(new_text: str) -> str:
    """How an edited message is shown: marked as an edit, with the new text."""
    return texts.agent("inbound_edited", text=new_text)
