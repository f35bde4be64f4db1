"""Filing a ticket: the one way in for every channel (portal, API, mail, an agent on someone's behalf).

The channels translate their input into these arguments and their errors out of ValidationError;
the rules of filing (seed 002's send-back, an issue that ends before it starts, the reception
mail) live here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from customers.models import Contact, Environment, Organisation
from tickets import emails
from tickets.models import Attachment, Comment, Ticket, TicketType
from tickets.services import attachments_add, attachments_discard_files, ticket_create
from tickets.workflow import ticket_send_back

if TYPE_CHECKING:
    from sla.models import Severity

# Seed 002: without this justification a production issue goes back to its reporter.
JUSTIFICATION_FIELD = "platform_justification"
JUSTIFICATION_REQUIRED_TYPES = frozenset({"production-issue"})
ISSUE_START_FIELD = "issue_start"
ISSUE_END_FIELD = "issue_end"


def justification_missing(*, ticket_type: TicketType, details: dict[str, Any]) -> bool:
    return ticket_type.slug in JUSTIFICATION_REQUIRED_TYPES and not str(details.get(JUSTIFICATION_FIELD, "")).strip()


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value.strip():
        return parse_datetime(value.strip())
    return None


def issue_window_check(*, details: dict[str, Any]) -> None:
    """An issue cannot end before it started; the error is keyed by the end's field."""
    start, end = _moment(details.get(ISSUE_START_FIELD)), _moment(details.get(ISSUE_END_FIELD))
    if start is not None and end is not None and timezone.is_aware(start) == timezone.is_aware(end) and end < start:
        raise ValidationError({ISSUE_END_FIELD: _("The end cannot be before the start.")})


SEND_BACK_MESSAGE = gettext_noop(
    "Thank you for your report. Before we can investigate, please tell us why you believe this is "
    "a platform issue rather than a rule or workflow one: the investigations you have done so far "
    "and what they showed. Add it as a comment on this request; it also helps us confirm the "
    "severity."
)


def ticket_file(
    *,
    organisation: Organisation,
    ticket_type: TicketType,
    actor: User | None,
    summary: str,
    description: str = "",
    requester_user: User | None = None,
    requester_contact: Contact | None = None,
    cc_contacts: Iterable[Contact] = (),
    severity: Severity | None = None,
    environment: Environment | None = None,
    details: dict[str, Any] | None = None,
    uploads: Iterable[UploadedFile[bytes]] = (),
    received_at: datetime | None = None,
    via: str = Comment.Via.WEB,
    actor_label: str = "",
) -> Ticket:
    """File a request with its files, mail its number to the requester (and a copy to the contacts in
    copy), and send it straight back when a production issue lacks its platform-issue justification.

    ``received_at`` is when the customer reached us (the SLA clock starts then; never later than now);
    ``via`` the channel, kept on the timeline. Raises ValidationError, keyed by field, and then
    nothing is stored.
    """
    if requester_user is None and requester_contact is None:
        raise ValueError("A ticket needs a requester: a user or a contact.")
    if requester_contact is not None and requester_contact.organisation_id != organisation.pk:
        raise ValueError("The requester belongs to another organisation.")
    issue_window_check(details=details or {})
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            ticket = ticket_create(
                organisation=organisation,
                ticket_type=ticket_type,
                summary=summary,
                description=description,
                requester_user=requester_user,
                requester_contact=requester_contact,
                cc_contacts=cc_contacts,
                severity=severity,
                environment=environment,
                details=details or {},
                actor=actor,
                actor_label=actor_label,
                received_at=received_at,
                via=via,
            )
            issue_window_check(details=ticket.details)  # the cleaned values, whatever form they came in
            stored = attachments_add(ticket=ticket, uploads=uploads, uploaded_by=actor)
            emails.ticket_created_emails_queue(ticket=ticket)
            if justification_missing(ticket_type=ticket_type, details=ticket.details):
                ticket_send_back(ticket=ticket, actor=None, actor_label=settings.VENDOR_NAME, message=_(SEND_BACK_MESSAGE))
    except BaseException:
        attachments_discard_files(stored)
        raise
    return ticket
