"""Changing tickets. Every change writes its timeline entry in the same transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Contact, Environment, Organisation
from tickets.attachments import dangerous_reason, safe_download_name, sniff_content_type
from tickets.details import details_clean
from tickets.models import Attachment, Comment, Ticket, TicketEvent, TicketNumberSequence, TicketType
from tickets.signals import ticket_event_followed, ticket_event_recorded

if TYPE_CHECKING:
    from sla.models import Severity


def ticket_number_next() -> int:
    """Hand out the next ticket number; the row lock serialises concurrent filings."""
    sequence, _created = TicketNumberSequence.objects.select_for_update().get_or_create(pk=1)
    TicketNumberSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db()
    return sequence.last_number


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None = None,
    actor_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    is_public: bool = True,
    comment: Any = None,
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        before=before or {},
        after=after or {},
        reason=reason,
        is_public=is_public,
        comment=comment,
    )
    # In the same transaction, so that what reacts (webhook deliveries) is recorded with the change or not at all.
    ticket_event_recorded.send(sender=TicketEvent, event=event)
    # The SLA clocks follow the timeline: every entry passes by them, in this transaction.
    ticket_event_followed.send(sender=TicketEvent, event=event)
    return event


@transaction.atomic
def ticket_create(
    *,
    organisation: Organisation,
    ticket_type: TicketType,
    summary: str,
    description: str = "",
    requester_user: User | None = None,
    requester_contact: Contact | None = None,
    cc_contacts: Iterable[Contact] = (),
    severity: Severity | None = None,
    environment: Environment | None = None,
    details: dict[str, Any] | None = None,
    actor: User | None = None,
    actor_label: str = "",
    received_at: datetime | None = None,
    via: str = "",
    details_checked: bool = False,
) -> Ticket:
    """Store a ticket for an organisation. Raises ValidationError on bad details.

    Channels file through ``tickets.filing.ticket_file``, which adds the rules and the mail of filing.
    ``details_checked``: the details come from a ticket filed before (a follow-up
    copies them) and were cleaned then; the type's fields may have changed since.
    """
    if environment is not None and environment.organisation_id != organisation.pk:
        raise ValueError("The environment belongs to another organisation.")
    cc_contacts = list(cc_contacts)
    if any(contact.organisation_id != organisation.pk for contact in cc_contacts):
        raise ValueError("A contact in copy belongs to another organisation.")
    cleaned = (
        dict(details or {})
        if details_checked
        else details_clean(fields=ticket_type.fields.all(), data=details or {}, organisation=organisation)
    )
    ticket = Ticket.objects.create(
        organisation=organisation,
        number=ticket_number_next(),
        ticket_type=ticket_type,
        requester_user=requester_user,
        requester_contact=requester_contact,
        severity=severity,
        environment=environment,
        summary=summary.strip(),
        description=description,
        details=cleaned,
    )
    if cc_contacts:
        ticket.cc_contacts.set(cc_contacts)
    if received_at is not None and received_at < ticket.created_at:
        # The customer reached us earlier (a mail read late): the clock counts from then.
        Ticket.objects.filter(pk=ticket.pk).update(created_at=received_at)
        ticket.created_at = received_at
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.CREATED,
        actor=actor if actor is not None else requester_user,
        actor_label=actor_label,
        after={
            "type": ticket_type.name,
            "severity": severity.level if severity else None,
            "status": ticket.status,
            **({"via": via} if via else {}),
        },
    )
    return ticket


def attachment_validate(upload: UploadedFile[bytes]) -> None:
    """Refuse a file that is too large or could run; the message names the file."""
    name = safe_download_name(upload.name or "")
    if upload.size is not None and upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files can be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if dangerous_reason(name=name, head=head):
        raise ValidationError(
            _("“%(name)s” was refused: programs and scripts cannot be attached. Zip them, or paste the relevant part.")
            % {"name": name}
        )


@transaction.atomic
def attachments_add(
    *,
    ticket: Ticket,
    uploads: Iterable[UploadedFile[bytes]],
    uploaded_by: User | None,
    comment: Comment | None = None,
) -> list[Attachment]:
    """Store files on a ticket (or one of its comments), each on the timeline.

    If any file is refused, the files already written for this call are removed
    and nothing is recorded.
    """
    if comment is not None and comment.ticket_id != ticket.pk:
        raise ValueError("The comment belongs to another ticket.")
    added: list[Attachment] = []
    try:
        for upload in uploads:
            added.append(_attachment_store(ticket=ticket, upload=upload, uploaded_by=uploaded_by, comment=comment))
    except BaseException:
        attachments_discard_files(added)
        raise
    return added


def attachments_discard_files(attachments: Iterable[Attachment]) -> None:
    """Delete stored files whose rows will not be kept (the transaction is failing)."""
    for attachment in attachments:
        assert attachment.file.name is not None  # stored before the failure
        attachment.file.storage.delete(attachment.file.name)


def _attachment_store(*, ticket: Ticket, upload: UploadedFile[bytes], uploaded_by: User | None, comment: Comment | None) -> Attachment:
    attachment_validate(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = safe_download_name(upload.name or "")
    head = upload.read(64)
    upload.seek(0)
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        uploaded_by=uploaded_by,
        original_name=name[:255],
        size=upload.size or 0,
        content_type=sniff_content_type(name=name, head=head),
        sha256=digest.hexdigest(),
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
        event_record(
            ticket=ticket,
            kind=TicketEvent.Kind.ATTACHMENT,
            actor=uploaded_by,
            comment=comment,
            is_public=not (comment is not None and comment.is_internal),
            after={"attachment": attachment.pk, "name": name, "size": attachment.size},
        )
    except BaseException:
        assert attachment.file.name is not None  # saved just above
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment
