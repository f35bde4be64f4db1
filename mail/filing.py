"""Opening a ticket from a mail: the one place the email channel files tickets.

When the project's single filing function arrives, this is the one call to switch.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from customers.models import Contact, Organisation
from tickets import emails
from tickets.models import Attachment, Ticket, TicketType
from tickets.services import attachments_add, attachments_discard_files, ticket_create

EMAIL_REQUEST_TYPE = "email-request"


def ticket_file_from_mail(
    *,
    organisation: Organisation,
    summary: str,
    description: str,
    requester_user: User | None = None,
    requester_contact: Contact | None = None,
    cc_contacts: Iterable[Contact] = (),
    uploads: Iterable[UploadedFile] = (),
) -> tuple[Ticket, list[Attachment]]:
    """An "Email request" for the organisation, its reception mail queued as the portal's is."""
    ticket_type = TicketType.objects.get(slug=EMAIL_REQUEST_TYPE)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            ticket = ticket_create(
                organisation=organisation, ticket_type=ticket_type, summary=summary, description=description,
                requester_user=requester_user, requester_contact=requester_contact, cc_contacts=cc_contacts,
                actor=requester_user, actor_label="" if requester_user else (requester_contact.name if requester_contact else ""),
            )
            stored = attachments_add(ticket=ticket, uploads=uploads, uploaded_by=requester_user)
            emails.ticket_created_emails_queue(ticket=ticket)
    except BaseException:
        attachments_discard_files(stored)
        raise
    return ticket, stored
