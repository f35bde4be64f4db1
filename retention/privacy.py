"""Data privacy requests: export what we hold about a contact or an organisation; erase a contact.

Erasing keeps the tickets (the vendor's record of what was reported and done)
but replaces the person's name, address and phone everywhere we wrote them,
so that what is left no longer points at them.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from customers.models import Contact, Organisation
from notices.models import Notice, NoticeUpdate
from notifications.models import OutboundEmail
from tickets.models import Comment, Ticket

FORMAT_VERSION = 1


def _contact_data(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "kind": contact.kind,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "language": contact.language,
        "emergency_role": contact.emergency_role,
        "emergency_order": contact.emergency_order,
        "created_at": contact.created_at.isoformat(),
    }


def _ticket_data(ticket: Ticket) -> dict[str, Any]:
    return {
        "reference": ticket.reference,
        "type": ticket.ticket_type.name,
        "status": ticket.status,
        "severity": ticket.severity_id,
        "environment": ticket.environment.name if ticket.environment is not None else None,
        "summary": ticket.summary,
        "description": ticket.description,
        "details": ticket.details,
        "requester": ticket.requester_name,
        "created_at": ticket.created_at.isoformat(),
        "comments": [
            {"author": comment.author_name, "body": comment.body, "created_at": comment.created_at.isoformat()}
            for comment in ticket.comments.all()
            if not comment.is_internal
        ],
    }


def _tickets(queryset: Any) -> list[dict[str, Any]]:
    tickets = (
        queryset.select_related(
            "ticket_type",
            "environment",
            "requester_user",
            "requester_contact",
        )
        .prefetch_related("comments__author")
        .order_by("number")
    )
    return [_ticket_data(ticket) for ticket in tickets]


def _mail_organisations(rows: list[OutboundEmail]) -> dict[int, int | None]:
    """Whose each email is, read from its event key: the organisation of its ticket or notice, or None."""
    wanted: dict[str, set[int]] = {
        "ticket-created": set(),
        "ticket-reply": set(),
        "ticket-comment": set(),
        "notice": set(),
        "notice-update": set(),
    }
    for row in rows:
        kind, _sep, rest = row.event_key.partition(":")
        ident = rest.split(":", 1)[0]
        if kind in wanted and ident.isdigit():
            wanted[kind].add(int(ident))
    tickets = dict(Ticket.objects.filter(number__in=wanted["ticket-created"]).values_list("number", "organisation_id"))
    comments = dict(
        Comment.objects.filter(pk__in=wanted["ticket-reply"] | wanted["ticket-comment"]).values_list("pk", "ticket__organisation_id")
    )
    notices = dict(Notice.objects.filter(pk__in=wanted["notice"]).values_list("pk", "organisation_id"))
    updates = dict(NoticeUpdate.objects.filter(pk__in=wanted["notice-update"]).values_list("pk", "notice__organisation_id"))
    owners = {
        "ticket-created": tickets,
        "ticket-reply": comments,
        "ticket-comment": comments,
        "notice": notices,
        "notice-update": updates,
    }
    found: dict[int, int | None] = {}
    for row in rows:
        kind, _sep, rest = row.event_key.partition(":")
        ident = rest.split(":", 1)[0]
        found[row.pk] = owners[kind].get(int(ident)) if kind in owners and ident.isdigit() else None
    return found


def _ours(rows: list[OutboundEmail], organisation_id: int) -> list[OutboundEmail]:
    """Leave out mail of another organisation's tickets and notices: the same person may work for both."""
    owners = _mail_organisations(rows)
    return [row for row in rows if owners[row.pk] in (None, organisation_id)]


def _address(entry: str) -> str:
    return parseaddr(entry)[1].lower()


def _emails_to(addresses: list[str], organisation_id: int) -> list[dict[str, Any]]:
    rows = list(OutboundEmail.objects.filter(recipient__in=[a.lower() for a in addresses]).order_by("created_at", "pk"))
    return [
        {
            "to": row.recipient,
            "subject": row.subject,
            "state": row.state,
            "queued_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        }
        for row in _ours(rows, organisation_id)
    ]


def contact_export(*, contact: Contact) -> dict[str, Any]:
    """Everything about one contact: their record, the tickets they filed or were copied on, mail sent to them."""
    tickets = (
        Ticket.objects.filter(organisation=contact.organisation_id)
        .filter(Q(requester_contact=contact) | Q(cc_contacts=contact))
        .distinct()
    )
    return {
        "format": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "organisation": contact.organisation.name,
        "contact": _contact_data(contact),
        "tickets": _tickets(tickets),
        "emails": _emails_to([contact.email], contact.organisation_id),
    }


def organisation_export(*, organisation: Organisation) -> dict[str, Any]:
    """Everything the organisation gave us and everything we wrote to it (internal notes excepted)."""
    contacts = list(organisation.contacts.all())
    members = User.objects.filter(membership__organisation=organisation).select_related("membership")
    return {
        "format": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "organisation": {
            "name": organisation.name,
            "account_id": organisation.account_id,
            "tier": organisation.tier.name,
            "contract_active": organisation.contract_active,
            "retailer_ids": organisation.retailer_ids,
            "timezone": organisation.timezone,
            "language": organisation.language,
            "escalation_email": organisation.escalation_email,
            "environments": [{"name": e.name, "kind": e.kind} for e in organisation.environments.all()],
        },
        "contacts": [_contact_data(contact) for contact in contacts],
        "users": [
            {
                "name": user.get_full_name(),
                "email": user.email,
                "organisation_admin": user.membership.is_admin,
                "last_login": user.last_login.isoformat() if user.last_login else None,
            }
            for user in members
        ],
        "tickets": _tickets(Ticket.objects.filter(organisation=organisation)),
        "emails": _emails_to([c.email for c in contacts] + [u.email for u in members], organisation.pk),
    }


def _scrub(text: str, replacements: dict[str, str]) -> str:
    """Replace whole words and whole addresses only: erasing ann@… must leave joann@… alone."""
    for old, new in replacements.items():
        if old:

            def literal(_match: re.Match[str], new: str = new) -> str:  # taken as it is, backslashes and all
                return new

            text = re.sub(rf"(?<![\w.+-]){re.escape(old)}(?![\w-])", literal, text, flags=re.IGNORECASE)
    return text


def _scrub_list(entries: list[str], email: str, alias: str) -> list[str]:
    return [alias if _address(entry) == email else entry for entry in entries]


@transaction.atomic
def contact_erase(*, contact: Contact) -> Contact:
    """Pseudonymise a contact (and its portal account), keeping its tickets.

    Who asked and why belongs on the data privacy ticket; the audit trail
    records this change with the person acting.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    alias_name = f"Erased contact {contact.pk}"
    alias_email = f"erased-contact-{contact.pk}@erased.invalid"
    replacements = {contact.name: alias_name, contact.email: alias_email, contact.email.lower(): alias_email}
    if contact.phone:
        replacements[contact.phone] = ""

    Comment.objects.filter(ticket__organisation=contact.organisation_id, author_label=contact.name).update(
        author_label=alias_name,
    )
    email = contact.email.lower()
    candidates = OutboundEmail.objects.filter(
        Q(recipient=email) | Q(cc__icontains=email) | Q(header_to__icontains=email) | Q(header_cc__icontains=email)
    )
    mail = [
        row
        for row in _ours(list(candidates), contact.organisation_id)
        if row.recipient == email or email in {_address(a) for a in [*row.cc, *row.header_to, *row.header_cc]}
    ]
    for row in mail:
        if row.recipient == email:
            row.recipient = alias_email
        row.cc = _scrub_list(row.cc, email, alias_email)
        row.header_to = _scrub_list(row.header_to, email, alias_email)
        row.header_cc = _scrub_list(row.header_cc, email, alias_email)
        row.body_text = _scrub(row.body_text, replacements)
        row.body_html = _scrub(row.body_html, replacements)
        row.save(update_fields=["recipient", "cc", "header_to", "header_cc", "body_text", "body_html"])

    if contact.user is not None:
        user = contact.user
        user.email = f"erased-user-{user.pk}@erased.invalid"
        user.full_name = alias_name
        user.is_active = False
        user.set_unusable_password()
        user.save()

    contact.name = alias_name
    contact.email = alias_email
    contact.phone = ""
    contact.user = None
    contact.delivery_failure = ""
    contact.save()
    return contact
