"""Keeping each ticket's report figures (``TicketFigures``) equal to its source rows.

``figures_refresh`` rewrites the rows of some tickets from the ticket, its
acknowledgement clock, its escalations and its rating, in two queries. The
receivers call it on every save that can move a figure (a ticket saved, a
timeline entry written, which every clock start, stop, pause, breach and
retarget does, an escalation, a rating), in the same transaction, so a report
read right after sees the change. A tier history change rewrites the tier of the
organisation's rows (``figures_retier``). Deleting a ticket deletes its row.

``figures_rebuild`` recomputes every row, in batches: the migration that adds
the table runs it, and so does ``manage.py report_figures_rebuild``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Count, FilteredRelation, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from customers.tiers import tier_at_filing
from reports.models import TicketFigures
from sla.models import Escalation, SlaClock, SlaTarget
from tickets.models import SatisfactionRating, Ticket

ACK = SlaTarget.Metric.ACKNOWLEDGEMENT
Outcome = TicketFigures.Outcome
UPDATED = [
    "filed_at",
    "tier",
    "organisation",
    "severity",
    "ticket_type",
    "outcome",
    "due_at",
    "business_seconds",
    "wall_seconds",
    "escalations_automatic",
    "escalations_customer",
    "rated",
    "rated_good",
]
BATCH = 5000


def _count(queryset: QuerySet[Any]) -> Any:
    counted = queryset.filter(ticket=OuterRef("pk")).order_by().values("ticket").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _sources(tickets: QuerySet[Ticket]) -> QuerySet[Any, Any]:  # rows of values(): the names _figures reads
    return (
        tickets.annotate(ack=FilteredRelation("sla_clocks", condition=Q(sla_clocks__metric=ACK)))
        .annotate(
            filed_tier=tier_at_filing(),
            automatic=_count(Escalation.objects.filter(kind=Escalation.Kind.AUTOMATIC)),
            customer=_count(Escalation.objects.filter(kind=Escalation.Kind.CUSTOMER)),
            rating_count=_count(SatisfactionRating.objects.all()),
            rating_good=_count(SatisfactionRating.objects.filter(score=SatisfactionRating.Score.GOOD)),
        )
        .values(
            "pk",
            "created_at",
            "organisation_id",
            "severity_id",
            "ticket_type_id",
            "filed_tier",
            "automatic",
            "customer",
            "rating_count",
            "rating_good",
            "ack__target_duration",
            "ack__state",
            "ack__stopped_reason",
            "ack__breached_at",
            "ack__elapsed_before",
            "ack__stopped_at",
            "ack__due_at",
        )
        .order_by()
    )


def _outcome(row: dict[str, Any]) -> str:
    target: timedelta | None = row["ack__target_duration"]
    if target is None:
        return Outcome.NO_TARGET
    stopped = row["ack__state"] == SlaClock.State.STOPPED
    if row["ack__breached_at"] is not None or (stopped and row["ack__elapsed_before"] > target):
        return Outcome.BREACHED
    if stopped and row["ack__stopped_reason"] == "acknowledged":
        return Outcome.MET
    if row["ack__state"] == SlaClock.State.RUNNING:
        return Outcome.RUNNING
    return Outcome.UNDECIDED


def _figures(row: dict[str, Any]) -> TicketFigures:
    outcome = _outcome(row)
    acknowledged = row["ack__state"] == SlaClock.State.STOPPED and row["ack__stopped_reason"] == "acknowledged"
    filed: datetime = row["created_at"]
    return TicketFigures(
        ticket_id=row["pk"],
        filed_at=filed,
        tier_id=row["filed_tier"],
        organisation_id=row["organisation_id"],
        severity_id=row["severity_id"],
        ticket_type_id=row["ticket_type_id"],
        outcome=outcome,
        due_at=row["ack__due_at"] if outcome == Outcome.RUNNING else None,
        business_seconds=row["ack__elapsed_before"].total_seconds() if acknowledged else None,
        wall_seconds=(row["ack__stopped_at"] - filed).total_seconds() if acknowledged else None,
        escalations_automatic=row["automatic"],
        escalations_customer=row["customer"],
        rated=row["rating_count"],
        rated_good=row["rating_good"],
    )


def figures_computed(tickets: QuerySet[Ticket]) -> list[TicketFigures]:
    """The rows ``tickets`` should have, recomputed from their source rows (not stored)."""
    return [_figures(row) for row in _sources(tickets)]


def figures_refresh(ticket_ids: Iterable[int]) -> None:
    """Rewrite the figures of these tickets from their source rows."""
    ids = sorted({ticket_id for ticket_id in ticket_ids if ticket_id is not None})
    if not ids:
        return
    rows = figures_computed(Ticket.objects.filter(pk__in=ids))
    if rows:
        TicketFigures.objects.bulk_create(rows, update_conflicts=True, unique_fields=["ticket"], update_fields=UPDATED)


def figures_retier(organisation_id: int) -> int:
    """Rewrite the tier at filing of one organisation's rows after its tier or tier history changed."""
    from customers.models import Organisation, TierPeriod

    current = Organisation.objects.filter(pk=organisation_id).values_list("tier_id", flat=True).first()
    closed = (
        TierPeriod.objects.filter(organisation_id=organisation_id, valid_until__isnull=False)
        .order_by("valid_until")
        .values_list("valid_until", "tier_id")
    )
    whens = [When(filed_at__lt=until, then=Value(tier_id)) for until, tier_id in closed]
    tier = Case(*whens, default=Value(current), output_field=IntegerField()) if whens else Value(current)
    return TicketFigures.objects.filter(organisation_id=organisation_id).update(tier_id=tier)


def figures_rebuild(*, batch: int = BATCH) -> int:
    """Recompute every ticket's row, ``batch`` tickets at a time; the rows of deleted tickets went with them."""
    done, last = 0, 0
    while True:
        ids = list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        figures_refresh(ids)
        done, last = done + len(ids), ids[-1]
