"""What a customer does in the portal, as services: filing a request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Contact, Environment, Organisation
from sla.models import Severity
from tickets import emails
from tickets.models import Attachment, Ticket, TicketType
from tickets.services import attachments_add, attachments_discard_files, ticket_create
from tickets.workflow import CommentOutcome, ticket_send_back

# Seed 002: without this justification a production issue goes back to its reporter.
JUSTIFICATION_FIELD = "platform_justification"
JUSTIFICATION_REQUIRED_TYPES = frozenset({"production-issue"})


def justification_missing(*, ticket_type: TicketType, details: dict[str, Any]) -> bool:
    return ticket_type.slug in JUSTIFICATION_REQUIRED_TYPES and not str(details.get(JUSTIFICATION_FIELD, "")).strip()


def request_submit(
    *,
    user: User,
    organisation: Organisation,
    ticket_type: TicketType,
    summary: str,
    description: str = "",
    severity: Severity | None = None,
    environment: Environment | None = None,
    details: dict[str, Any] | None = None,
    cc_contacts: Iterable[Contact] = (),
    uploads: Iterable[UploadedFile] = (),
) -> Ticket:
    """File a customer's request with its files, mail the confirmation, and send it
    straight back when a production issue lacks its platform-issue justification."""
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            ticket = ticket_create(
                organisation=organisation, ticket_type=ticket_type, summary=summary, description=description,
                requester_user=user, cc_contacts=cc_contacts, severity=severity, environment=environment,
                details=details or {}, actor=user,
            )
            stored = attachments_add(ticket=ticket, uploads=uploads, uploaded_by=user)
            emails.ticket_created_emails_queue(ticket=ticket)
            if justification_missing(ticket_type=ticket_type, details=ticket.details):
                ticket_send_back(
                    ticket=ticket, actor=None, actor_label=settings.VENDOR_NAME,
                    message=_(
                        "Thank you for your report. Before we can investigate, please tell us why you believe this is "
                        "a platform issue rather than a rule or workflow one: the investigations you have done so far "
                        "and what they showed. Add it as a comment on this request; it also helps us confirm the "
                        "severity."
                    ),
                )
    except BaseException:
        attachments_discard_files(stored)
        raise
    return ticket


def comment_outcome_message(outcome: CommentOutcome) -> str:
    """What the customer is told after commenting: only what did happen."""
    parts = []
    if outcome.follow_up is not None:
        parts.append(_(
            "That request was closed, so your comment opened a new one, %(reference)s, linked to it."
        ) % {"reference": outcome.follow_up.reference})
    elif outcome.reopened:
        parts.append(_("Your comment was added and the request is open again."))
    else:
        parts.append(_("Your comment was added."))
    if outcome.notified == "assignee":
        parts.append(_("%(name)s, who handles it, has been told.") % {"name": outcome.assignee_name})
    elif outcome.notified == "team":
        parts.append(_("Nobody has taken it yet, so the support team has been told."))
    return " ".join(parts)
