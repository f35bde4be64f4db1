"""What the routing of a received mail and the escalation address share: who the sender is to a
ticket, and how the handling of a message is recorded."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from customers.models import Contact
from mail.models import InboundMessage
from tickets.models import Comment, Ticket
from tickets.selectors import tickets_visible_to


@dataclass(frozen=True)
class Person:
    """Who wrote, as far as one ticket is concerned: a user (staff or customer) or a contact."""

    user: User | None = None
    contact: Contact | None = None

    @property
    def label(self) -> str:
        return self.user.get_full_name() if self.user else self.contact.name if self.contact else ""


def user_by_address(address: str) -> User | None:
    """The active user with this address, if any."""
    user: User | None = User.objects.filter(email__iexact=address, is_active=True).select_related("membership").first()
    return user


def person_on_ticket(*, ticket: Ticket, address: str) -> Person | None:
    """The sender as someone who may see this ticket, or None."""
    if not address:
        return None
    user = user_by_address(address)
    if user is not None and tickets_visible_to(user).filter(pk=ticket.pk).exists():
        return Person(user=user)
    contact = Contact.objects.filter(organisation_id=ticket.organisation_id, email__iexact=address).first()
    if contact is not None:
        return Person(contact=contact)
    return None


def inbound_finish(
    row: InboundMessage, outcome: str, reason: str = "", *, ticket: Ticket | None = None, comment: Comment | None = None
) -> None:
    """Record how the message was handled: its outcome, why, and the ticket and comment it reached."""
    row.outcome = outcome
    row.reason = reason[:2000]
    row.ticket = ticket
    row.comment = comment
