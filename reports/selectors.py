"""SLA attainment reports: what share of tickets was acknowledged within the target promised.

One function answers every breakdown (tier, organisation, severity, ticket type,
month) for a period, for every organisation or for one (the portal, the
organisation page). On PostgreSQL the desk's report (every organisation) reads
the daily roll-up (``reports.rollup``: per UTC day and group, the counts and the
acknowledgement seconds as sorted arrays, kept by triggers), in ONE query, with
exact percentiles by selection across the arrays (``reports.ranks``); one
organisation's report reads its tickets' kept figures rows
(``reports.models.TicketFigures``, one narrow row per ticket kept equal to its
sources) in ONE query: the total, each month and each group of the breakdown as
grouping sets, with the percentiles as ordered-set aggregates. Elsewhere
(SQLite) the same figures are counted from the tickets and their clocks, one
query per grouping.

Each ticket counts under the tier in force when it was filed (the tier history),
against the terms its clock copied when it started.

- **filed**: tickets filed in the period.
- **with target**: those whose acknowledgement clock holds a target.
- **met**: acknowledged within the target (business time counted ≤ target).
- **breached**: not acknowledged within it: marked breached, acknowledged after
  the target, or still running past its due time.
- **share**: met ÷ (met + breached); tickets still within their window, or
  closed without acknowledgement before it ran out, are in neither.
- **time to acknowledge**, p50 and p90: business time counted by the clock, and
  wall time from filing, over the acknowledged tickets.
- **escalations**, automatic and by customers, of the period's tickets.
- **satisfaction**: share of good among the period's rated tickets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.tiers import tier_at_filing
from reports.aggregates import Percentile
from reports.models import TicketFigures
from reports.rollup import Sums, rollup_figures, rollup_kept
from sla.models import Escalation, SlaClock, SlaTarget
from tickets.models import SatisfactionRating, Ticket

if TYPE_CHECKING:
    from customers.models import Organisation

ACK = SlaTarget.Metric.ACKNOWLEDGEMENT
BREAKDOWNS = ("tier", "organisation", "severity", "ticket_type", "month")
BREACHED_LIST_LIMIT = 50
REPORT_WORK_MEM = "64MB"


@dataclass(frozen=True)
class Period:
    """Whole months [start, end) in one timezone."""

    first: date  # the first day of the first month
    last: date  # the first day of the last month
    zone: str

    @property
    def start(self) -> datetime:
        return datetime(self.first.year, self.first.month, 1, tzinfo=ZoneInfo(self.zone))

    @property
    def end(self) -> datetime:
        return _month_after(self.last, ZoneInfo(self.zone))

    @property
    def months(self) -> list[date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = _next_month(month)
        return months


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month_after(month: date, zone: ZoneInfo) -> datetime:
    following = _next_month(month)
    return datetime(following.year, following.month, 1, tzinfo=zone)


def period_last_full_months(*, zone: str, months: int = 3, now: datetime | None = None) -> Period:
    """The last ``months`` whole months before the current one, in ``zone``."""
    today = timezone.localtime(now or timezone.now(), ZoneInfo(zone)).date()
    last = _previous_month(date(today.year, today.month, 1))
    first = last
    for _step in range(months - 1):
        first = _previous_month(first)
    return Period(first=first, last=last, zone=zone)


def _previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def period_of_months(*, first: date, last: date, zone: str) -> Period:
    first, last = date(first.year, first.month, 1), date(last.year, last.month, 1)
    if last < first:
        first, last = last, first
    return Period(first=first, last=last, zone=zone)


@dataclass(frozen=True)
class _Span:
    start: datetime
    end: datetime
    zone: str = "UTC"


@dataclass
class Figures:
    key: Any
    label: str = ""
    filed: int = 0
    with_target: int = 0
    met: int = 0
    breached: int = 0
    acknowledged: int = 0
    business_p50: timedelta | None = None
    business_p90: timedelta | None = None
    wall_p50: timedelta | None = None
    wall_p90: timedelta | None = None
    escalations_automatic: int = 0
    escalations_customer: int = 0
    rated: int = 0
    rated_good: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def share(self) -> float | None:
        """Met among the decided, 0–1; None when nothing was decided."""
        return self.met / self.decided if self.decided else None

    @property
    def satisfaction(self) -> float | None:
        return self.rated_good / self.rated if self.rated else None


@dataclass
class Report:
    period: Period
    by: str
    total: Figures
    rows: list[Figures] = field(default_factory=list)
    months: list[Figures] = field(default_factory=list)


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=round(value, 6))


def _tickets(*, period: Period | _Span, organisation: Organisation | None) -> QuerySet[Ticket]:
    tickets = Ticket.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    if organisation is not None:
        tickets = tickets.filter(organisation=organisation)
    return tickets


def _dimension(by: str, *, prefix: str, zone: str) -> Any:
    if by == "tier":
        return tier_at_filing(organisation_field=f"{prefix}organisation", filed_field=f"{prefix}created_at")
    if by == "month":
        return TruncMonth(f"{prefix}created_at", tzinfo=ZoneInfo(zone))
    return F(f"{prefix}{by}_id")


def breached_q(*, prefix: str, now: datetime) -> Q:
    """An acknowledgement clock (reached through ``prefix``) whose promise was broken."""
    p = prefix
    return Q(**{f"{p}target_duration__isnull": False}) & (
        Q(**{f"{p}breached_at__isnull": False})
        | Q(**{f"{p}state": SlaClock.State.STOPPED, f"{p}elapsed_before__gt": F(f"{p}target_duration")})
        | Q(**{f"{p}state": SlaClock.State.RUNNING, f"{p}due_at__lte": now})
    )


def _met_q(*, prefix: str) -> Q:
    p = prefix
    return Q(
        **{
            f"{p}target_duration__isnull": False,
            f"{p}state": SlaClock.State.STOPPED,
            f"{p}stopped_reason": "acknowledged",
            f"{p}breached_at__isnull": True,
            f"{p}elapsed_before__lte": F(f"{p}target_duration"),
        }
    )


def _with_ack(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.annotate(ack=FilteredRelation("sla_clocks", condition=Q(sla_clocks__metric=ACK)))


def _grouped(*, period: Period | _Span, organisation: Organisation | None, by: str | None, now: datetime) -> dict[Any, Figures]:
    acknowledged = Q(ack__state=SlaClock.State.STOPPED, ack__stopped_reason="acknowledged")
    tickets = _with_ack(_tickets(period=period, organisation=organisation))
    values: list[str] = []
    if by is not None:
        tickets = tickets.annotate(dimension=_dimension(by, prefix="", zone=period.zone))
        values = ["dimension"]
    wall = F("ack__stopped_at") - F("created_at")
    aggregates = {
        "filed": Count("id"),
        "with_target": Count("id", filter=Q(ack__target_duration__isnull=False)),
        "met": Count("id", filter=_met_q(prefix="ack__")),
        "breached": Count("id", filter=breached_q(prefix="ack__", now=now)),
        "acknowledged": Count("id", filter=acknowledged),
        "business_p50": Percentile("ack__elapsed_before", fraction=0.5, filter=acknowledged),
        "business_p90": Percentile("ack__elapsed_before", fraction=0.9, filter=acknowledged),
        "wall_p50": Percentile(wall, fraction=0.5, filter=acknowledged),
        "wall_p90": Percentile(wall, fraction=0.9, filter=acknowledged),
    }
    rows = _rows(tickets, values, aggregates)
    figures: dict[Any, Figures] = {}
    for row in rows:
        key = row.get("dimension")
        figures[key] = Figures(
            key=key,
            filed=row["filed"],
            with_target=row["with_target"],
            met=row["met"],
            breached=row["breached"],
            acknowledged=row["acknowledged"],
            business_p50=_seconds(row["business_p50"]),
            business_p90=_seconds(row["business_p90"]),
            wall_p50=_seconds(row["wall_p50"]),
            wall_p90=_seconds(row["wall_p90"]),
        )
    scope: dict[str, Any] = {"ticket__created_at__gte": period.start, "ticket__created_at__lt": period.end}
    if organisation is not None:
        scope["ticket__organisation"] = organisation
    for model, annotate in (
        (
            Escalation,
            {
                "escalations_automatic": Count("id", filter=Q(kind=Escalation.Kind.AUTOMATIC)),
                "escalations_customer": Count("id", filter=Q(kind=Escalation.Kind.CUSTOMER)),
            },
        ),
        (
            SatisfactionRating,
            {
                "rated": Count("id"),
                "rated_good": Count("id", filter=Q(score=SatisfactionRating.Score.GOOD)),
            },
        ),
    ):
        extra = model.objects.filter(**scope)
        if by is not None:
            extra = extra.annotate(dimension=_dimension(by, prefix="ticket__", zone=period.zone))
        for row in _rows(extra, values, annotate):
            entry = figures.setdefault(row.get("dimension"), Figures(key=row.get("dimension")))
            for name in annotate:
                setattr(entry, name, row[name])
    return figures


def _grouped_figures(
    *,
    period: Period | _Span,
    organisation: Organisation | None,
    by: str | None,
    now: datetime,
) -> dict[str, dict[Any, Figures]]:
    """{"total": {None: …}, "month": {…}, by: {…}} from the kept figures rows, in one query (PostgreSQL)."""
    month = "date_trunc('month', filed_at AT TIME ZONE %(zone)s)"
    dimension = {"tier": "tier_id", "organisation": "organisation_id", "severity": "severity_id", "ticket_type": "ticket_type_id"}.get(
        by or ""
    )
    sets = ["()", f"({month})"] + ([f"({dimension})"] if dimension else [])
    where = "filed_at >= %(start)s AND filed_at < %(end)s"
    if organisation is not None:
        where += " AND organisation_id = %(organisation)s"
    # Only fixed fragments go into the text (``dimension`` comes from the mapping above); values are parameters.
    sql = f"""
        SELECT GROUPING({month}) AS by_month, {f"GROUPING({dimension})" if dimension else "1"} AS by_dimension,
               {month} AS month, {dimension or "NULL"} AS dimension,
               count(*), count(*) FILTER (WHERE outcome <> ''), count(*) FILTER (WHERE outcome = 'met'),
               count(*) FILTER (WHERE outcome = 'breached' OR (outcome = 'running' AND due_at <= %(now)s)),
               count(business_seconds),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY business_seconds),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY business_seconds),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY wall_seconds),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY wall_seconds),
               coalesce(sum(escalations_automatic), 0), coalesce(sum(escalations_customer), 0),
               coalesce(sum(rated), 0), coalesce(sum(rated_good), 0)
        FROM reports_ticketfigures WHERE {where}
        GROUP BY GROUPING SETS ({", ".join(sets)})
    """  # noqa: S608
    params: dict[str, Any] = {
        "zone": period.zone,
        "start": period.start,
        "end": period.end,
        "now": now,
        "organisation": organisation.pk if organisation is not None else None,
    }
    grouped: dict[str, dict[Any, Figures]] = {"total": {}, "month": {}}
    if by is not None:
        grouped.setdefault(by, {})
    with transaction.atomic(), connection.cursor() as cursor:
        # The percentiles sort the period's rows: in memory, not in temporary files.
        cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for by_month, by_dimension, month_start, key, *values in rows:
        if by_month and by_dimension:
            group, key = "total", None
        elif not by_month:
            group, key = "month", _month_key(month_start)
        else:
            group = by or "month"
        (
            filed,
            with_target,
            met,
            breached,
            acknowledged,
            business_p50,
            business_p90,
            wall_p50,
            wall_p90,
            automatic,
            customer,
            rated,
            rated_good,
        ) = values
        grouped[group][key] = Figures(
            key=key,
            filed=filed,
            with_target=with_target,
            met=met,
            breached=breached,
            acknowledged=acknowledged,
            business_p50=_seconds(business_p50),
            business_p90=_seconds(business_p90),
            wall_p50=_seconds(wall_p50),
            wall_p90=_seconds(wall_p90),
            escalations_automatic=automatic,
            escalations_customer=customer,
            rated=rated,
            rated_good=rated_good,
        )
    return grouped


def _rolled_up_figures(*, period: Period, by: str | None, now: datetime) -> dict[str, dict[Any, Figures]]:
    """As ``_grouped_figures`` for every organisation, from the daily roll-up: no row of the period's
    whole days is read, only their cells."""
    zone = ZoneInfo(period.zone)
    starts = [datetime(month.year, month.month, 1, tzinfo=zone) for month in period.months]
    grouped = rollup_figures(start=period.start, end=period.end, months=starts, by=by, now=now)
    figures: dict[str, dict[Any, Figures]] = {}
    for group, sums in grouped.items():
        figures[group] = {}
        for key, cell in sums.items():
            figures_key = period.months[key] if group == "month" else key
            figures[group][figures_key] = _figures_of(figures_key, cell)
    return figures


def _figures_of(key: Any, sums: Sums) -> Figures:
    counts, quantiles = sums.counts, sums.percentiles
    return Figures(
        key=key,
        filed=counts["filed"],
        with_target=counts["with_target"],
        met=counts["met"],
        breached=counts["breached"],
        acknowledged=counts["acknowledged"],
        business_p50=_seconds(quantiles["business_p50"]),
        business_p90=_seconds(quantiles["business_p90"]),
        wall_p50=_seconds(quantiles["wall_p50"]),
        wall_p90=_seconds(quantiles["wall_p90"]),
        escalations_automatic=counts["escalations_automatic"],
        escalations_customer=counts["escalations_customer"],
        rated=counts["rated"],
        rated_good=counts["rated_good"],
    )


def _kept_figures() -> bool:
    return connection.vendor == "postgresql"


def _rows(queryset: QuerySet[Any], values: list[str], aggregates: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per value of the grouping columns, or one row in all without any."""
    if not values:
        return [queryset.order_by().aggregate(**aggregates)]
    return list(queryset.values(*values).order_by().annotate(**aggregates))


def _labels(by: str, keys: Iterable[Any]) -> dict[Any, str]:
    from customers.models import Organisation
    from sla.models import Severity, SupportTier
    from tickets.models import TicketType

    ids = [key for key in keys if key is not None]
    if by == "month":
        return {key: _month_label(key) for key in ids}
    if by == "severity":
        return {level: f"S{level} {name}" for level, name in Severity.objects.filter(pk__in=ids).values_list("pk", "name")}
    models: dict[str, type[SupportTier | Organisation | TicketType]] = {
        "tier": SupportTier,
        "organisation": Organisation,
        "ticket_type": TicketType,
    }
    model = models[by]
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


def _month_label(value: date | datetime) -> str:
    return f"{value.year}-{value.month:02d}"


def _month_key(value: Any) -> date | None:
    if value is None:
        return None
    return date(value.year, value.month, 1)


def report_build(
    *,
    period: Period,
    by: str = "tier",
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> Report:
    """The period's figures in total, per month, and per ``by`` (one of BREAKDOWNS)."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    now = now or timezone.now()
    if _kept_figures():
        breakdown_by = None if by == "month" else by
        if organisation is None and rollup_kept():
            grouped = _rolled_up_figures(period=period, by=breakdown_by, now=now)
        else:
            grouped = _grouped_figures(period=period, organisation=organisation, by=breakdown_by, now=now)
        total = grouped["total"].get(None) or Figures(key=None)
        monthly = grouped["month"]
    else:
        total = _grouped(period=period, organisation=organisation, by=None, now=now).get(None) or Figures(key=None)
        monthly = {
            _month_key(key): figures
            for key, figures in _grouped(period=period, organisation=organisation, by="month", now=now).items()
        }
    total.label = _("All tickets")
    months = []
    for month in period.months:
        figures = monthly.get(month) or Figures(key=month)
        figures.key, figures.label = month, _month_label(month)
        months.append(figures)
    if by == "month":
        rows = months
    else:
        breakdown = grouped[by] if _kept_figures() else _grouped(period=period, organisation=organisation, by=by, now=now)
        labels = _labels(by, breakdown)
        rows = []
        for key, figures in breakdown.items():
            figures.label = labels.get(key, _("None")) if key is not None else _("None")
            rows.append(figures)
        rows.sort(key=lambda figures: (figures.key is None, figures.label.lower()))
    return Report(period=period, by=by, total=total, rows=rows, months=months)


@dataclass(frozen=True)
class Breach:
    reference: str
    number: int
    summary: str
    organisation: str
    tier: str
    severity: str
    ticket_type: str
    filed_at: datetime
    due_at: datetime | None
    acknowledged_at: datetime | None
    target: timedelta
    overrun: timedelta  # business time beyond the target (so far, for a clock still counting)


def _broken_figures(*, period: Period, organisation: Organisation | None, now: datetime) -> QuerySet[TicketFigures]:
    """The kept rows of the period's tickets whose acknowledgement promise was broken (as ``breached_q``)."""
    Outcome = TicketFigures.Outcome
    broken = TicketFigures.objects.filter(filed_at__gte=period.start, filed_at__lt=period.end).filter(
        Q(outcome=Outcome.BREACHED) | Q(outcome=Outcome.RUNNING, due_at__lte=now),
    )
    if organisation is not None:
        broken = broken.filter(organisation=organisation)
    return broken


def breaches_of(
    *,
    period: Period,
    organisation: Organisation | None = None,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[Breach]:
    """The period's tickets whose acknowledgement promise was broken, latest filed first, with the overrun."""
    from sla.clocks import clock_elapsed
    from sla.models import SupportTier

    now = now or timezone.now()
    clocks = (
        SlaClock.objects.filter(metric=ACK, ticket__created_at__gte=period.start, ticket__created_at__lt=period.end)
        .filter(breached_q(prefix="", now=now))
        .annotate(filed_tier=tier_at_filing(organisation_field="ticket__organisation", filed_field="ticket__created_at"))
        .select_related("ticket__organisation", "ticket__severity", "ticket__ticket_type", "target_calendar")
        .order_by("-ticket__created_at", "-ticket_id")
    )
    if _kept_figures():
        # Which tickets, from the narrow rows under their partial index; then only those tickets' clocks.
        broken = _broken_figures(period=period, organisation=organisation, now=now).order_by("-filed_at", "-ticket_id")
        if limit is not None:
            broken = broken[:limit]
        clocks = clocks.filter(ticket_id__in=list(broken.values_list("ticket_id", flat=True)))
    else:
        if organisation is not None:
            clocks = clocks.filter(ticket__organisation=organisation)
        if limit is not None:
            clocks = clocks[:limit]
    rows = list(clocks)
    tiers = dict(SupportTier.objects.values_list("pk", "name"))
    breaches = []
    for clock in rows:
        ticket = clock.ticket
        elapsed = clock_elapsed(clock, now=now) if clock.state == SlaClock.State.RUNNING else clock.elapsed_before
        acknowledged = clock.stopped_at if clock.stopped_reason == "acknowledged" else None
        assert clock.target_duration is not None  # breached_q only matches clocks with a target
        breaches.append(
            Breach(
                reference=ticket.reference,
                number=ticket.number,
                summary=ticket.summary,
                organisation=ticket.organisation.name,
                tier=tiers.get(clock.filed_tier, ""),
                severity=ticket.severity.name if ticket.severity else "",
                ticket_type=ticket.ticket_type.name,
                filed_at=ticket.created_at,
                due_at=clock.due_at,
                acknowledged_at=acknowledged,
                target=clock.target_duration,
                overrun=max(elapsed - clock.target_duration, timedelta(0)),
            )
        )
    return breaches


def breaches_count(*, period: Period, organisation: Organisation | None = None, now: datetime | None = None) -> int:
    now = now or timezone.now()
    if _kept_figures():
        return _broken_figures(period=period, organisation=organisation, now=now).count()
    clocks = SlaClock.objects.filter(
        metric=ACK,
        ticket__created_at__gte=period.start,
        ticket__created_at__lt=period.end,
    ).filter(breached_q(prefix="", now=now))
    if organisation is not None:
        clocks = clocks.filter(ticket__organisation=organisation)
    return clocks.count()


def organisation_attainment(*, organisation: Organisation, start: datetime, end: datetime, now: datetime | None = None) -> Figures:
    """One organisation's figures for tickets filed in [start, end): for the organisation's desk page
    ("the last 90 days' attainment"). Any instants, not only whole months."""
    now = now or timezone.now()
    period = _Span(start=start, end=end)
    if _kept_figures():
        return _grouped_figures(period=period, organisation=organisation, by=None, now=now)["total"].get(None) or Figures(key=None)
    return _grouped(period=period, organisation=organisation, by=None, now=now).get(None) or Figures(key=None)
