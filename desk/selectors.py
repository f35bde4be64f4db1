"""What the desk reads: the urgency-ordered queue, its counts, the dashboard figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import quantiles
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from desk import clocks
from desk.models import CannedReply, TicketLink, TicketTag
from tickets.models import Ticket, TicketEvent
from tickets.selectors import tickets_search, tickets_visible_to

OPEN = list(Ticket.OPEN_STATUSES)


@dataclass(frozen=True)
class QueueFilters:
    """What the agent asked the queue for; every field optional."""

    view: str = ""  # mine / unassigned / breached / waiting / escalated
    organisation: int | None = None
    tier: int | None = None
    severity: int | None = None
    status: str = ""  # "" = open tickets, "all", or one status
    who: str = ""  # mine / unassigned / "" (anyone)
    sla: str = ""  # breached / at_risk / ""
    q: str = ""
    tag: str = ""


def _escalated() -> Exists:
    return Exists(TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=TicketEvent.Kind.ESCALATED))


def _saved_view(view: str, user: User, *, now: datetime) -> Q | Exists:
    return {
        "mine": Q(assignee=user, status__in=OPEN),
        "unassigned": Q(assignee__isnull=True, status__in=OPEN),
        "breached": Q(status__in=OPEN) & clocks.breached_q(now=now),
        "waiting": Q(status=Ticket.Status.WAITING_ON_CUSTOMER),
        "escalated": Q(status__in=OPEN) & Q(_escalated()),
    }[view]


SAVED_VIEWS = ("mine", "unassigned", "breached", "waiting", "escalated")


def queue_for(
    *,
    user: User,
    filters: QueueFilters,
    now: datetime | None = None,
    count: int | None = None,
) -> clocks.UrgencyOrder:
    """The ids of the tickets the desk lists, most urgent first; ``count``, if the caller has it."""
    now = now or timezone.now()
    tickets = tickets_visible_to(user)
    if filters.view in SAVED_VIEWS:
        tickets = tickets.filter(_saved_view(filters.view, user, now=now))
    if filters.status == "all" or filters.view in ("waiting",):
        pass
    elif filters.status:
        tickets = tickets.filter(status=filters.status)
    else:
        tickets = tickets.filter(status__in=OPEN)
    if filters.organisation:
        tickets = tickets.filter(organisation_id=filters.organisation)
    if filters.tier:
        tickets = tickets.filter(organisation__tier_id=filters.tier)
    if filters.severity:
        tickets = tickets.filter(severity_id=filters.severity)
    if filters.who == "mine":
        tickets = tickets.filter(assignee=user)
    elif filters.who == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    if filters.sla == "breached":
        tickets = tickets.filter(clocks.breached_q(now=now))
    elif filters.sla == "at_risk":
        tickets = tickets.filter(clocks.at_risk_q(now=now))
    elif filters.sla == "due_soon":
        tickets = tickets.filter(clocks.due_soon_q(now=now))
    if filters.q.strip():
        tickets = tickets_search(tickets, text=filters.q, user=user)
    if filters.tag:
        tickets = tickets.filter(pk__in=TicketTag.objects.filter(tag__name=filters.tag).values("ticket_id"))
    return clocks.by_urgency(tickets, now=now, count=count)


def queue_page(
    *,
    user: User,
    filters: QueueFilters,
    page_number: str | int | None,
    per_page: int,
    now: datetime | None = None,
    count: int | None = None,
) -> Page[Ticket]:
    """One page of the queue, rows complete with what they show.

    The order is worked out over ids alone (``clocks.UrgencyOrder``: three runs,
    each read in index order up to the page's end), and only the page's tickets
    are then read whole.
    """
    now = now or timezone.now()
    order = queue_for(user=user, filters=filters, now=now, count=count)
    page: Page[Any] = Paginator(order, per_page).get_page(page_number)  # type: ignore[arg-type]  # only sliced, as Paginator does
    ids = list(page.object_list)
    rows = clocks.with_ack_clock(
        tickets_visible_to(user)
        .filter(pk__in=ids)
        .select_related("organisation__tier", "severity", "assignee", "ticket_type")
        .defer("description", "details"),  # a row shows neither; descriptions run to pages
    )
    by_id = {ticket.pk: ticket for ticket in rows}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


def queue_counts(*, user: User, now: datetime | None = None) -> dict[str, int]:
    """How many open tickets the queue holds in all and in each saved view.

    Mine, unassigned and waiting in one pass over the narrow open-ticket index
    (ticket_open_queue); breached over the few unacknowledged clocks whose
    window passed; escalated apart.
    """
    now = now or timezone.now()
    open_tickets = tickets_visible_to(user).filter(status__in=OPEN)
    counts = open_tickets.aggregate(
        open=Count("pk"),
        mine=Count("pk", filter=Q(assignee=user)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        waiting=Count("pk", filter=Q(status=Ticket.Status.WAITING_ON_CUSTOMER)),
    )
    counts["breached"] = open_tickets.filter(clocks.breached_q(now=now)).count()
    counts["escalated"] = open_tickets.filter(
        pk__in=TicketEvent.objects.filter(kind=TicketEvent.Kind.ESCALATED).values("ticket_id"),
    ).count()
    return counts


def assignable_staff() -> QuerySet[User]:
    staff: QuerySet[User] = User.objects.filter(role__in=[User.Role.AGENT, User.Role.LEAD], is_active=True).order_by("full_name")
    return staff


def canned_replies() -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(active=True)


def ticket_links(*, ticket: Ticket) -> list[TicketLink]:
    """The ticket's links either way, with the tickets at both ends: read once for the ticket page, which
    shows them and follows a merge from them."""
    ends = [f"{end}__{field}" for end in ("from_ticket", "to_ticket") for field in ("id", "number", "summary")]
    return list(
        TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket))
        .select_related("from_ticket", "to_ticket")
        .only("id", "kind", "from_ticket_id", "to_ticket_id", *ends),  # the tickets' numbers and summaries: what is shown
    )


def links_of(*, ticket: Ticket, links: list[TicketLink] | None = None) -> list[tuple[str, Ticket]]:
    """The tickets linked to this one, with how, from this ticket's side."""
    if links is None:
        links = ticket_links(ticket=ticket)
    result = []
    for link in links:
        if link.from_ticket_id == ticket.pk:
            result.append((str(link.get_kind_display()), link.to_ticket))
        else:
            labels: dict[str, str] = {TicketLink.Kind.RELATED: link.get_kind_display(), TicketLink.Kind.MERGED: _("Merged from")}
            label = labels.get(
                link.kind,
                _("Duplicated by"),
            )
            result.append((str(label), link.from_ticket))
    return result


def events_since(*, ticket: Ticket, after_id: int, viewer: User) -> QuerySet[TicketEvent]:
    """What others did to the ticket after the viewer loaded it (the SLA clock's bookkeeping aside)."""
    return (
        TicketEvent.objects.filter(ticket=ticket, pk__gt=after_id)
        .exclude(actor=viewer)
        .exclude(kind=TicketEvent.Kind.SLA)
        .select_related("actor")
    )


# --- Dashboard -------------------------------------------------------------------


def open_by_severity_and_tier(*, user: User) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows by severity, columns by tier, with totals; one grouped query."""
    grouped = (
        tickets_visible_to(user)
        .filter(status__in=OPEN)
        .values("severity_id", "severity__name", "organisation__tier__name")
        .annotate(n=Count("pk"))
    )
    tiers = sorted({row["organisation__tier__name"] for row in grouped})
    rows: dict[int, dict[str, Any]] = {}
    for row in grouped:
        level = row["severity_id"] or 0
        entry = rows.setdefault(level, {"level": level, "name": row["severity__name"], "by_tier": dict.fromkeys(tiers, 0)})
        entry["by_tier"][row["organisation__tier__name"]] += row["n"]
    table = sorted(rows.values(), key=lambda r: r["level"] or 99)
    top = max((sum(r["by_tier"].values()) for r in table), default=0)
    for entry in table:
        entry["cells"] = [entry["by_tier"][tier] for tier in tiers]
        entry["total"] = sum(entry["cells"])
        entry["bar"] = _bucket(entry["total"], top)
    return tiers, table


def _bucket(value: float, top: float) -> int:
    """A bar length in steps of 5 %, for the CSS classes that draw it."""
    if top <= 0 or value <= 0:
        return 0
    return max(5, round(value / top * 20) * 5)


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation), over intervals here."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression: Any, *, fraction: float) -> None:
        super().__init__(expression, fraction=float(fraction))


def ack_times(*, user: User, now: datetime | None = None, days: int = 7) -> dict[str, Any]:
    """Median and 90th percentile wall time from filing to acknowledgement, over tickets acknowledged lately."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    acked = tickets_visible_to(user).filter(acknowledged_at__gte=since, acknowledged_at__lte=now)
    count = acked.count()
    if count == 0:
        return {"count": 0, "median": None, "p90": None}
    if connection.vendor == "postgresql":
        wait = ExpressionWrapper(F("acknowledged_at") - F("created_at"), output_field=DurationField())
        figures = acked.aggregate(median=PercentileCont(wait, fraction=0.5), p90=PercentileCont(wait, fraction=0.9))
        return {"count": count, **figures}
    seconds = sorted(
        (ack - created).total_seconds()
        for created, ack in acked.values_list("created_at", "acknowledged_at")
        if ack is not None  # always: acked filters on acknowledged_at
    )
    if len(seconds) == 1:
        median = p90 = seconds[0]
    else:
        cuts = quantiles(seconds, n=10, method="inclusive")
        median, p90 = cuts[4], cuts[8]
    return {"count": count, "median": timedelta(seconds=float(median)), "p90": timedelta(seconds=float(p90))}


def escalations_open(*, user: User) -> int:
    return tickets_visible_to(user).filter(status__in=OPEN).filter(_escalated()).count()
