"""Merging a duplicate into the ticket that is kept, within one organisation.

Recorded as a TicketLink of kind "merged" from the duplicate to the kept ticket
(``merged_into``): pages, links and mail threads of the old number follow it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Contact
from tickets.models import Attachment, Comment, Ticket, TicketEvent
from tickets.services import event_record
from tickets.workflow import comment_add, ticket_status_change

if TYPE_CHECKING:
    from desk.models import TicketLink

MERGE_DEPTH = 10  # a chain of merges longer than this is a loop or a mistake


def _links() -> type[TicketLink]:
    # The desk keeps the links agents make between tickets; a merge is one. Looked up by name, because
    # every channel (portal, API, mail) follows a merged number and the desk sits above them all.
    return apps.get_model("desk", "TicketLink")


def merged_into(*, ticket: Ticket, links: list[TicketLink] | None = None) -> Ticket | None:
    """The ticket this one was merged into, directly; None when it was not merged.

    ``links``, the ticket's links already read (``desk.selectors.ticket_links``), spares the query.
    """
    TicketLink = _links()
    if links is not None:
        merges = [link for link in links if link.from_ticket_id == ticket.pk and link.kind == TicketLink.Kind.MERGED]
        return merges[0].to_ticket if merges else None
    # The id first: nearly every ticket was never merged, and reading the kept ticket's whole row with the link
    # cost every page that follows a number a join of the widest table.
    kept_id = TicketLink.objects.filter(from_ticket=ticket, kind=TicketLink.Kind.MERGED).values_list("to_ticket_id", flat=True).first()
    return None if kept_id is None else Ticket.objects.get(pk=kept_id)


def ticket_merge_target(*, ticket: Ticket, links: list[TicketLink] | None = None) -> Ticket:
    """Where the ticket's number leads: the end of its chain of merges, or the ticket itself.

    Pages, links and mail threads (a reply to the duplicate's mail, its reply token) all land there.
    ``links`` are the ticket's own links already read, for the first step of the chain.
    """
    seen = {ticket.pk}
    for _step in range(MERGE_DEPTH):
        kept = merged_into(ticket=ticket, links=links)
        links = None  # the next steps start from other tickets
        if kept is None or kept.pk in seen:
            return ticket
        seen.add(kept.pk)
        ticket = kept
    return ticket


@transaction.atomic
def ticket_merge(*, duplicate: Ticket, kept: Ticket, actor: User) -> Ticket:
    """Merge ``duplicate`` into ``kept``: comments, attachments and copies move over, the duplicate closes.

    Refused across organisations, into itself, from a ticket already merged and into a ticket that was
    itself merged away. Each moved message appears on the kept ticket's timeline, as public or as
    internal as it was; the duplicate gets a public note pointing to the kept ticket, mailed to its
    requester and copies as every public reply is.
    """
    if not actor.is_support_staff:
        raise PermissionError("Only support staff merge tickets.")
    TicketLink = _links()
    if duplicate.pk == kept.pk:
        raise ValidationError({"other": _("A ticket cannot be merged into itself.")})
    if duplicate.organisation_id != kept.organisation_id:
        raise ValidationError({"other": _("Only tickets of the same organisation can be merged.")})
    # Both rows locked, in id order as everywhere, so that two merges of the same pair queue up.
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=sorted([duplicate.pk, kept.pk]))}
    if merged_into(ticket=duplicate) is not None:
        raise ValidationError({"other": _("%(ref)s was already merged.") % {"ref": duplicate.reference}})
    if merged_into(ticket=kept) is not None:
        raise ValidationError({"other": _("%(ref)s was itself merged into another ticket.") % {"ref": kept.reference}})
    if len(locked) != 2:
        raise ValidationError({"other": _("There is no ticket with this number.")})

    moved = list(Comment.objects.filter(ticket=duplicate).order_by("created_at", "pk"))
    Comment.objects.filter(pk__in=[c.pk for c in moved]).update(ticket=kept)
    files = Attachment.objects.filter(ticket=duplicate).update(ticket=kept)
    copies = set(duplicate.cc_contacts.all())
    if duplicate.requester_contact_id:
        copies.add(duplicate.requester_contact)
    elif duplicate.requester_user_id:
        copies.update(Contact.objects.filter(organisation_id=kept.organisation_id, user_id=duplicate.requester_user_id))
    if kept.requester_contact_id:
        copies.discard(kept.requester_contact)
    if copies:
        kept.cc_contacts.add(*copies)
    for comment in moved:
        event_record(
            ticket=kept,
            kind=TicketEvent.Kind.LINKED,
            actor=comment.author,
            actor_label=comment.author_label,
            comment=comment,
            is_public=not comment.is_internal,
            after={
                "kind": TicketLink.Kind.MERGED,
                "merged_from": duplicate.reference,
                "number": duplicate.number,
                "ticket": duplicate.reference,
                "direction": "from",
                "label": str(_("merged")),
            },
        )
    TicketLink.objects.create(from_ticket=duplicate, to_ticket=kept, kind=TicketLink.Kind.MERGED, created_by=actor)
    event_record(
        ticket=kept,
        kind=TicketEvent.Kind.LINKED,
        actor=actor,
        is_public=False,
        after={
            "kind": TicketLink.Kind.MERGED,
            "ticket": duplicate.reference,
            "number": duplicate.number,
            "direction": "from",
            "label": str(_("merged into this ticket")),
            "comments": len(moved),
            "attachments": files,
            "copies": sorted(c.email for c in copies),
        },
    )
    event_record(
        ticket=duplicate,
        kind=TicketEvent.Kind.LINKED,
        actor=actor,
        is_public=False,
        after={
            "kind": TicketLink.Kind.MERGED,
            "ticket": kept.reference,
            "number": kept.number,
            "direction": "to",
            "label": str(_("merged into")),
        },
    )
    comment_add(
        ticket=duplicate,
        author=actor,
        body=_(
            "This request duplicates %(ref)s, where its messages and files now are: we continue there. "
            "Replies to this request's mail reach %(ref)s too."
        )
        % {"ref": kept.reference},
    )
    if duplicate.is_open or duplicate.status == Ticket.Status.RESOLVED:
        ticket_status_change(
            ticket=duplicate,
            actor=actor,
            status=Ticket.Status.CLOSED,
            reason=_("Merged into %(ref)s.") % {"ref": kept.reference},
        )
    return kept
