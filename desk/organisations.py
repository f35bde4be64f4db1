"""What the desk reads about one customer: the organisation list and the organisation page.

Every query here is bounded: the page reads a fixed number of rows of each
kind (the most urgent open tickets through the queue's own order, the latest
notices and incidents), so that its cost does not grow with the number of
tickets the organisation has filed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from customers.models import AccessGrant, Contact, Organisation
from customers.selectors import access_grants_current, contacts_of, organisations_visible_to
from desk import selectors
from incidents.models import IncidentOrganisation
from notices.delivery import calendar_of
from notices.models import Notice
from notices.selectors import HeldMessage, held_notice_mail
from reports.selectors import organisation_attainment
from sla.clocks import calendar_for
from sla.models import Calendar
from tickets.models import Ticket, TicketType
from tickets.selectors import tickets_visible_to

OPEN_TICKETS_SHOWN = 25
RECENT_SHOWN = 10
ATTAINMENT_DAYS = 90


def organisations_list(*, user: User, q: str = "") -> QuerySet[Organisation]:
    """Organisations by name, searched by name, account id or retailer id."""
    organisations = organisations_visible_to(user).select_related("tier")
    text = q.strip()
    if text:
        organisations = organisations.filter(
            Q(name__icontains=text) | Q(account_id__icontains=text) | Q(retailer_ids__icontains=text),
        )
    return organisations.order_by("name", "pk")


def organisations_page(*, user: User, q: str, page_number: str | int | None, per_page: int = 50) -> Page[Organisation]:
    """One page of the list, each organisation with ``open_tickets``: one grouped count for the page's
    organisations over the open-ticket index, rather than a join to every ticket ever filed."""
    page = Paginator(organisations_list(user=user, q=q), per_page).get_page(page_number)
    rows = list(page.object_list)
    counts = dict(
        tickets_visible_to(user)
        .filter(status__in=selectors.OPEN, organisation__in=[org.pk for org in rows])
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("pk")),
    )
    for organisation in rows:
        organisation.open_tickets = counts.get(organisation.pk, 0)  # type: ignore[attr-defined]  # shown by the list
    page.object_list = rows
    return page


def organisation_get_for(*, user: User, organisation_id: int) -> Organisation:
    """One organisation the user may look at; 404 alike for missing and not theirs."""
    try:
        return organisations_visible_to(user).select_related("tier", "calendar").get(pk=organisation_id)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class Hours:
    """Whether the organisation's business calendar is open now, and when it next opens or closes."""

    calendar: Calendar | None
    open_now: bool
    next_change: datetime | None  # in the calendar's timezone
    always_open: bool = False


def hours_of(*, organisation: Organisation, now: datetime | None = None) -> Hours:
    now = now or timezone.now()
    calendar = calendar_of(organisation)  # its own, or standard hours
    if calendar is None:
        return Hours(calendar=None, open_now=False, next_change=None)
    business = calendar_for(calendar)
    zone = ZoneInfo(calendar.timezone)
    if business.is_open(now):
        # The end of the open span we are in: the first closed moment after now, within a fortnight.
        spans = business.open_spans(now, now + timedelta(days=14))
        first = next(iter(spans), None)
        closes = first[1] if first else None
        assert closes is not None  # open now: the span we are in comes first
        always = closes is not None and closes >= now + timedelta(days=14) - timedelta(minutes=1)
        return Hours(calendar=calendar, open_now=True, next_change=None if always else closes.astimezone(zone), always_open=always)
    try:
        opens = business.next_open(now)
    except ValueError:
        opens = None
    return Hours(calendar=calendar, open_now=False, next_change=opens.astimezone(zone) if opens else None)


@dataclass(frozen=True)
class Attainment:
    """Acknowledgement promises decided in the window, and the share kept."""

    met: int
    decided: int
    days: int

    @property
    def share(self) -> float | None:
        return self.met / self.decided if self.decided else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)


def ack_attainment_of(*, organisation: Organisation, now: datetime | None = None, days: int = ATTAINMENT_DAYS) -> Attainment:
    """The share of acknowledgement promises kept for the tickets filed in the last ``days``, as the SLA report counts it."""
    now = now or timezone.now()
    figures = organisation_attainment(organisation=organisation, start=now - timedelta(days=days), end=now, now=now)
    return Attainment(met=figures.met, decided=figures.decided, days=days)


def contacts_with_logins(*, organisation: Organisation) -> list[Contact]:
    return list(contacts_of(organisation=organisation).select_related("user"))


def notices_of(*, organisation: Organisation) -> list[Notice]:
    return list(
        Notice.objects.filter(organisation=organisation)
        .select_related("area", "environment", "ticket")
        .order_by("-created_at", "-pk")[:RECENT_SHOWN],
    )


def held_warnings_of(*, user: User, organisation: Organisation) -> list[HeldMessage]:
    """Warnings waiting for business hours, for this organisation only."""
    return [message for message in held_notice_mail(user=user) if message.notice.organisation_id == organisation.pk]


def incidents_of(*, organisation: Organisation) -> list[IncidentOrganisation]:
    return list(
        IncidentOrganisation.objects.filter(organisation=organisation)
        .select_related("incident")
        .order_by("-incident__detected_at", "-pk")[:RECENT_SHOWN],
    )


def grants_in_force(*, organisation: Organisation, now: datetime | None = None) -> list[AccessGrant]:
    """Grants in force now (begun, not over, not revoked); later ones are left to the ticket page."""
    now = now or timezone.now()
    return [grant for grant in access_grants_current(organisation=organisation) if grant.is_active_at(now)]


def open_tickets_of(*, user: User, organisation: Organisation, now: datetime | None = None) -> Page[Ticket]:
    """The organisation's open tickets, most urgent first, with their clocks: one page of the queue."""
    return selectors.queue_page(
        user=user,
        filters=selectors.QueueFilters(organisation=organisation.pk),
        page_number=1,
        per_page=OPEN_TICKETS_SHOWN,
        now=now,
    )


def ticket_types_for_agents() -> QuerySet[TicketType]:
    """Every active type an agent may file for a customer; proactive notices have their own form."""
    return TicketType.objects.filter(active=True).exclude(category=TicketType.Category.PROACTIVE).order_by("order", "name")


def ticket_type_for_agents_get(*, slug: str) -> TicketType:
    try:
        return ticket_types_for_agents().prefetch_related("fields").get(slug=slug)
    except TicketType.DoesNotExist as exc:
        raise Http404 from exc
