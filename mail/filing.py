"""Opening a ticket from a mail: the email channel's door to ``tickets.filing.ticket_file``."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile

from accounts.models import User
from customers.models import Contact, Organisation
from tickets.filing import ticket_file
from tickets.models import Attachment, Comment, Ticket, TicketType

EMAIL_REQUEST_TYPE = "email-request"


def ticket_file_from_mail(
    *,
    organisation: Organisation,
    summary: str,
    description: str,
    requester_user: User | None = None,
    requester_contact: Contact | None = None,
    cc_contacts: Iterable[Contact] = (),
    uploads: Iterable[UploadedFile[bytes]] = (),
) -> tuple[Ticket, list[Attachment]]:
    """An "Email request" for the organisation, filed by the same rules (and reception mail) as the portal's."""
    ticket = ticket_file(
        organisation=organisation,
        ticket_type=TicketType.objects.get(slug=EMAIL_REQUEST_TYPE),
        actor=requester_user,
        actor_label="" if requester_user else (requester_contact.name if requester_contact else ""),
        summary=summary,
        description=description,
        requester_user=requester_user,
        requester_contact=requester_contact,
        cc_contacts=cc_contacts,
        uploads=uploads,
        via=Comment.Via.EMAIL,
    )
    return ticket, list(ticket.attachments.all())
