"""What every ticket mail carries so that a reply finds its way back.

A Reply-To unique to the ticket and the recipient (``notifications.tokens``), the
ticket's thread (In-Reply-To and References: the earlier mail of this ticket to
the same person), and, on what the system writes by itself, RFC 3834's
``Auto-Submitted: auto-generated`` so that auto-responders stay quiet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.apps import apps

from notifications.models import OutboundEmail
from notifications.services import Email, email_queue
from notifications.tokens import reply_address

if TYPE_CHECKING:
    from mail.models import ThreadMessage

MAX_REFERENCES = 20


def _thread_messages() -> type[ThreadMessage]:
    # The mail app keeps each thread beside the mail it reads back; looked up by name, because the outbox
    # sits below the apps that send through it.
    return apps.get_model("mail", "ThreadMessage")


def ticket_email_headers(*, number: int, email: Email, automatic: bool) -> Email:
    headers = {**email.headers, "Reply-To": reply_address(number=number, recipient=email.recipient)}
    if automatic:
        headers["Auto-Submitted"] = "auto-generated"
    return dataclasses.replace(email, headers=headers)


def thread_of(*, ticket_id: int, recipient: str) -> tuple[str, str]:
    """In-Reply-To and References for the next mail of this ticket to this person."""
    ids = list(
        _thread_messages()
        .objects.filter(ticket_id=ticket_id, recipient=recipient.strip().lower())
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )
    if not ids:
        return "", ""
    kept = ids if len(ids) <= MAX_REFERENCES else [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return ids[-1], " ".join(kept)


def thread_record(*, ticket_id: int, row: OutboundEmail) -> None:
    _thread_messages().objects.create(message_id=row.message_id, ticket_id=ticket_id, recipient=row.recipient)


def ticket_emails_queue(
    *,
    ticket_id: int,
    number: int,
    event_key: str,
    emails: Iterable[Email],
    automatic: bool = True,
) -> list[OutboundEmail]:
    """Queue a ticket's mails, each with its reply address and in its recipient's thread."""
    rows = []
    for email in emails:
        in_reply_to, references = thread_of(ticket_id=ticket_id, recipient=email.recipient)
        row = email_queue(
            event_key=event_key,
            email=ticket_email_headers(number=number, email=email, automatic=automatic),
            in_reply_to=in_reply_to,
            references=references,
        )
        if row is not None:
            thread_record(ticket_id=ticket_id, row=row)
            rows.append(row)
    return rows
