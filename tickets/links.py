"""Signed links for contacts without a login: one ticket, to read and comment on, nothing else.

The token names the ticket and the contact and is signed with the site's key;
it expires after ``TICKET_LINK_MAX_AGE`` and stops working the moment the
contact is no longer the ticket's requester or in its copy.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse

from accounts.models import User
from customers.models import Contact
from tickets.models import Ticket

SALT = "tickets.contact-link"


def _max_age() -> timedelta:
    return getattr(settings, "TICKET_LINK_MAX_AGE", timedelta(days=30))


def contact_has_login(contact: Contact) -> bool:
    has_login: bool = User.objects.filter(email__iexact=contact.email, is_active=True).exists()
    return has_login


def contact_ticket_token(*, ticket: Ticket, contact: Contact) -> str:
    return signing.dumps({"t": ticket.number, "c": contact.pk}, salt=SALT, compress=True)


def contact_ticket_url(*, ticket: Ticket, contact: Contact) -> str:
    token = contact_ticket_token(ticket=ticket, contact=contact)
    return f"{settings.SITE_URL}{reverse('portal:contact_ticket', kwargs={'token': token})}"


def _is_participant(ticket: Ticket, contact: Contact) -> bool:
    if contact.organisation_id != ticket.organisation_id:
        return False
    return ticket.requester_contact_id == contact.pk or ticket.cc_contacts.filter(pk=contact.pk).exists()


def contact_ticket_get(*, token: str) -> tuple[Ticket, Contact]:
    """The ticket and contact a link names, or 404 alike for forged, expired and no-longer-theirs."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_max_age())
        contact = Contact.objects.select_related("organisation").get(pk=int(data["c"]))
        ticket = Ticket.objects.select_related("ticket_type", "severity", "organisation").get(
            number=int(data["t"]),
            organisation_id=contact.organisation_id,
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Contact.DoesNotExist, Ticket.DoesNotExist) as exc:
        raise Http404 from exc
    if not _is_participant(ticket, contact):
        raise Http404
    return ticket, contact
