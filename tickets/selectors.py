"""Reading tickets. The only doors through which views reach them."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User
from customers.selectors import is_organisation_admin, organisation_of
from tickets.models import Attachment, Comment, Ticket, TicketEvent, TicketField, TicketType


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    """Support staff see every ticket; an organisation admin sees the organisation's;
    any other customer sees the tickets they requested or are copied on."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    if user.is_support_staff:
        return Ticket.objects.all()
    organisation = organisation_of(user)
    if organisation is None:
        return Ticket.objects.none()
    tickets = Ticket.objects.filter(organisation=organisation)
    if is_organisation_admin(user):
        return tickets
    return tickets.filter(_requested_or_copied(user))


def tickets_mine(user: User) -> QuerySet[Ticket]:
    """The tickets the user requested or is copied on ("My requests"), within what they may see."""
    visible = tickets_visible_to(user)
    if user.is_authenticated and user.is_customer and not is_organisation_admin(user):
        return visible  # already only what they requested or are copied on: the same condition twice cost every count
    return visible.filter(_requested_or_copied(user))


def _requested_or_copied(user: User) -> Q:
    """Tickets the user requested (as themselves or as their contact) or is copied on. Callers scope it to an
    organisation; the copies are read from the link table alone, without joining the tickets a second time."""
    copied = Ticket.cc_contacts.through.objects.filter(contact__user=user).values("ticket_id")
    return Q(requester_user=user) | Q(requester_contact__user=user) | Q(pk__in=copied)


def ticket_get_for(*, user: User, number: int, also: tuple[str, ...] = ()) -> Ticket:
    """One ticket the user may see; 404 alike for missing and not theirs.

    ``also`` names further relations the caller shows, read in the same query (the desk's ticket page
    shows the organisation's tier).
    """
    try:
        return (
            tickets_visible_to(user)
            .select_related(
                "organisation",
                "ticket_type",
                "severity",
                "environment",
                "requester_user",
                "requester_contact",
                "assignee",
                *also,
            )
            .get(number=number)
        )
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def ticket_get_for_customer(*, user: User, number: int) -> Ticket:
    """One ticket a customer may see, with what the portal's ticket page shows; 404 alike for missing and not theirs.

    Its organisation is the customer's own, read with their membership (``tickets_visible_to`` keeps them to it),
    so it is handed over rather than joined again; the assignee, whom the portal never shows, is not read.
    """
    organisation = organisation_of(user)
    if organisation is None:
        raise Http404
    try:
        ticket = (
            tickets_visible_to(user)
            .select_related("ticket_type", "severity", "environment", "requester_user", "requester_contact")
            .get(number=number)
        )
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    ticket.organisation = organisation
    return ticket


def comments_visible_to(*, user: User, ticket: Ticket) -> QuerySet[Comment]:
    """A ticket's comments; customers never see internal notes."""
    comments = Comment.objects.filter(ticket=ticket).select_related("author")
    return comments if user.is_support_staff else comments.filter(is_internal=False)


def timeline_visible_to(*, user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor", "comment")
    return events if user.is_support_staff else events.filter(is_public=True)


def attachments_visible_to(*, user: User, ticket: Ticket) -> QuerySet[Attachment]:
    """A ticket's files; customers do not see files attached to internal notes."""
    attachments = Attachment.objects.filter(ticket=ticket).select_related("uploaded_by", "comment")
    if user.is_support_staff:
        return attachments
    return attachments.filter(Q(comment__isnull=True) | Q(comment__is_internal=False))


def attachment_get_for(*, user: User, number: int, attachment_id: int) -> Attachment:
    """One file of a ticket the user may see; 404 alike for missing and not theirs."""
    ticket = ticket_get_for(user=user, number=number)
    try:
        return attachments_visible_to(user=user, ticket=ticket).get(pk=attachment_id)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


def ticket_types_fileable_by_customers() -> QuerySet[TicketType]:
    return TicketType.objects.filter(active=True, customer_can_file=True).order_by("order", "name")


FIELDS_TIMEOUT = 10 * 60  # bounds what a change that sends no signal (a data migration) leaves behind


def ticket_type_fields_key(ticket_type_id: int) -> str:
    return f"ticket-type-fields:{ticket_type_id}"


def ticket_type_fields(*, ticket_type: TicketType) -> list[TicketField]:
    """A type's fields in form order, kept in the cache: every ticket page shows them, an admin changes them
    rarely, and every save or deletion of a field or a type forgets them (``tickets.receivers``). The rows hold
    every language's label, so one entry serves every viewer."""
    key = ticket_type_fields_key(ticket_type.pk)
    fields: list[TicketField] | None = cache.get(key)
    if fields is None:
        fields = list(ticket_type.fields.all())
        cache.set(key, fields, FIELDS_TIMEOUT)
    return fields


def ticket_type_fileable_get(*, slug: str) -> TicketType:
    try:
        return ticket_types_fileable_by_customers().prefetch_related("fields").get(slug=slug)
    except TicketType.DoesNotExist as exc:
        raise Http404 from exc


REFERENCE = re.compile(r"^\s*(?:[A-Za-z]+-)?(\d+)\s*$")


def tickets_search(tickets: QuerySet[Ticket], *, text: str, user: User) -> QuerySet[Ticket]:
    """The one ticket search of desk, portal and API: a number or reference (SD-1042), else the words in the
    summary, the description and the comments the user may read (never an internal note for a customer).
    Full text on PostgreSQL, substring elsewhere."""
    text = text.strip()
    if not text:
        return tickets
    match = REFERENCE.match(text)
    if match:
        return tickets.filter(number=int(match.group(1)))
    comments = Comment.objects.all() if user.is_support_staff else Comment.objects.filter(is_internal=False)
    if connection.vendor == "postgresql":
        # Two uncorrelated sets of ids, each found through its GIN index (ticket_search,
        # comment_search: the vectors must stay as the indexes spell them), rather than
        # a vector built for every open ticket.
        query = SearchQuery(text, search_type="websearch", config="simple")
        by_text = Ticket.objects.alias(search=SearchVector("summary", "description", config="simple")).filter(
            search=query,
        )
        in_comments = comments.alias(search=SearchVector("body", config="simple")).filter(search=query)
        return tickets.filter(Q(pk__in=by_text.values("pk")) | Q(pk__in=in_comments.values("ticket_id")))
    comment_matches = comments.filter(ticket=OuterRef("pk"), body__icontains=text)
    return tickets.filter(Q(summary__icontains=text) | Q(description__icontains=text) | Exists(comment_matches))


def timeline_public_of(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    """What a customer sees of a ticket's timeline, for a contact reading it through a signed link."""
    return TicketEvent.objects.filter(ticket=ticket, is_public=True).select_related("actor", "comment")


def attachments_public_of(*, ticket: Ticket) -> QuerySet[Attachment]:
    return Attachment.objects.filter(ticket=ticket).filter(Q(comment__isnull=True) | Q(comment__is_internal=False))
