"""The daily roll-up equals a recomputation from the kept figures rows, whatever changed them, and the
report read from it equals one counted from those rows, in any viewer's zone (PostgreSQL only)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from customers.tiers import organisation_tier_change
from reports.aggregates import percentile_cont
from reports.figures import figures_rebuild
from reports.models import FiguresDay, TicketFigures
from reports.rollup import rollup_differences, rollup_rebuild
from reports.selectors import BREAKDOWNS, period_of_months, report_build
from sla.escalations import escalation_raise, sla_tick
from sla.models import Severity, SupportTier
from tests.factories import OrganisationFactory, TicketFactory, UserFactory
from tickets.merging import ticket_merge
from tickets.models import Ticket
from tickets.workflow import rating_record, ticket_acknowledge, ticket_severity_change, ticket_status_change

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _postgres(need_postgres: None) -> None:
    """The roll-up and its triggers exist on PostgreSQL only."""


def test_every_change_keeps_the_roll_up_equal_to_a_recomputation(world):
    start = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)  # a Monday, within business hours
    mover = OrganisationFactory(name="Mover", account_id="MOVER", tier=SupportTier.objects.get(name="Break-Fix"))
    customer = UserFactory(email="m@mover.example", organisation=mover)
    with time_machine.travel(start, tick=False):
        acknowledged = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2)
        late = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
        escalated = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1, type_slug="production-issue")
        rated = TicketFactory(organisation=mover, requester_user=customer, severity=3)
        reclassified = TicketFactory(organisation=mover, requester_user=customer, severity=4)
        duplicate = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=3)
        deleted = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=3)
    assert FiguresDay.objects.filter(day=start.date()).count() > 4, "filing fills the day's cells"
    assert rollup_differences() == []

    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        ticket_acknowledge(ticket=acknowledged, actor=world.agent)
        escalation_raise(
            ticket=Ticket.objects.get(pk=escalated.pk), user=world.alice, description="down", environment="live1", justification="x"
        )
    cell = FiguresDay.objects.get(kind="organisation", key=world.alpha.pk, day=start.date())
    assert (cell.acknowledged, cell.wall, cell.escalations_customer) == (1, [1200.0], 1)
    assert rollup_differences() == []

    sla_tick(now=start + timedelta(days=3))  # the Sev1 clocks run out
    assert FiguresDay.objects.get(kind="severity", key=1, day=start.date()).breached == 2
    assert rollup_differences() == []

    with time_machine.travel(start + timedelta(days=3, hours=1), tick=False):
        ticket_acknowledge(ticket=Ticket.objects.get(pk=late.pk), actor=world.agent)
        ticket_status_change(ticket=Ticket.objects.get(pk=rated.pk), actor=world.agent, status=Ticket.Status.RESOLVED)
        rating_record(ticket=Ticket.objects.get(pk=rated.pk), score="good", user=customer)
        ticket_severity_change(
            ticket=Ticket.objects.get(pk=reclassified.pk), actor=world.agent, severity=Severity.objects.get(level=2), reason="Down"
        )
        ticket_merge(duplicate=Ticket.objects.get(pk=duplicate.pk), kept=Ticket.objects.get(pk=acknowledged.pk), actor=world.agent)
    assert rollup_differences() == []
    rating_record(ticket=Ticket.objects.get(pk=rated.pk), score="bad", user=customer)
    assert rollup_differences() == []

    with time_machine.travel(start + timedelta(days=10), tick=False):
        organisation_tier_change(organisation=mover, tier=SupportTier.objects.get(name="Premium"), actor=world.admin)
        TicketFactory(organisation=mover, requester_user=customer, severity=3)
    assert rollup_differences() == []

    Ticket.objects.get(pk=deleted.pk).delete()
    assert rollup_differences() == []
    Ticket.objects.get(pk=acknowledged.pk).delete()  # met, with its seconds in the cells' arrays
    assert rollup_differences() == []
    assert sum(FiguresDay.objects.filter(kind="tier").values_list("filed", flat=True)) == Ticket.objects.count()


def test_the_rebuild_restores_cells_lost_or_wrong(world):
    FiguresDay.objects.filter(kind="tier").delete()
    FiguresDay.objects.filter(kind="severity").update(met=7, business=[1.0, 2.0])
    assert rollup_differences() != []
    rollup_rebuild()
    assert rollup_differences() == []
    figures_rebuild(batch=1)  # rewriting every figures row as it was touches no cell
    assert rollup_differences() == []


def _counted(*, period: Any, by: str, now: datetime) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every figure of the report counted in Python from the figures rows."""
    zone = ZoneInfo(period.zone)
    groups: dict[str, dict[Any, list[TicketFigures]]] = {"total": defaultdict(list), by: defaultdict(list)}
    for row in TicketFigures.objects.filter(filed_at__gte=period.start, filed_at__lt=period.end):
        local = row.filed_at.astimezone(zone)
        groups["total"][None].append(row)
        key = date(local.year, local.month, 1) if by == "month" else getattr(row, f"{by}_id")
        groups[by][key].append(row)
    counted: dict[str, dict[Any, dict[str, Any]]] = {}
    for group, cells in groups.items():
        counted[group] = {}
        for key, rows in cells.items():
            business = [row.business_seconds for row in rows if row.business_seconds is not None]
            wall = [row.wall_seconds for row in rows if row.wall_seconds is not None]
            running_late = [row for row in rows if row.outcome == "running" and row.due_at and row.due_at <= now]
            counted[group][key] = {
                "filed": len(rows),
                "with_target": sum(row.outcome != "" for row in rows),
                "met": sum(row.outcome == "met" for row in rows),
                "breached": sum(row.outcome == "breached" for row in rows) + len(running_late),
                "acknowledged": len(business),
                "percentiles": [
                    None if value is None else timedelta(seconds=round(value, 6))
                    for value in (*(percentile_cont(business, f) for f in (0.5, 0.9)), *(percentile_cont(wall, f) for f in (0.5, 0.9)))
                ],
                "escalations": (sum(r.escalations_automatic for r in rows), sum(r.escalations_customer for r in rows)),
                "rated": (sum(r.rated for r in rows), sum(r.rated_good for r in rows)),
            }
    return counted


def _reported(figures: Any) -> dict[str, Any]:
    return {
        "filed": figures.filed,
        "with_target": figures.with_target,
        "met": figures.met,
        "breached": figures.breached,
        "acknowledged": figures.acknowledged,
        "percentiles": [figures.business_p50, figures.business_p90, figures.wall_p50, figures.wall_p90],
        "escalations": (figures.escalations_automatic, figures.escalations_customer),
        "rated": (figures.rated, figures.rated_good),
    }


@pytest.mark.parametrize("zone", ["UTC", "America/Chicago", "Asia/Tokyo", "Asia/Kathmandu"])
def test_the_report_from_the_roll_up_equals_one_counted_from_the_rows_in_any_zone(world, zone):
    """Tickets crowd the UTC days that a month edge cuts in each zone (Tokyo's months start at 15:00 UTC
    the day before, Kathmandu's at 18:15); some are acknowledged, some still running past their due time."""
    rng = random.Random(zone)
    tz = ZoneInfo(zone)
    organisations = [world.alpha, world.outsider, OrganisationFactory(name="Globex", tier=SupportTier.objects.get(name="Advanced"))]
    edges = [datetime(2026, month, 1, tzinfo=tz) for month in (9, 10, 11, 12)]
    for index in range(160):
        edge = edges[index % 4]
        filed = (
            edge + timedelta(minutes=rng.randrange(-36 * 60, 36 * 60)) if index % 3 else edge + timedelta(days=rng.randrange(-3, 25))
        )
        organisation = organisations[index % 3]
        with time_machine.travel(filed, tick=False):
            ticket = TicketFactory(organisation=organisation, requester_user=world.alice, severity=rng.choice([1, 2, 3, None]))
        if index % 4:
            with time_machine.travel(filed + timedelta(minutes=rng.randrange(1, 3000)), tick=False):
                ticket_acknowledge(ticket=Ticket.objects.get(pk=ticket.pk), actor=world.agent)
    now = datetime(2026, 11, 25, tzinfo=tz)
    period = period_of_months(first=date(2026, 9, 1), last=date(2026, 11, 1), zone=zone)
    assert TicketFigures.objects.filter(outcome="running", due_at__lte=now, filed_at__lt=period.end).exists()
    for by in BREAKDOWNS:
        report = report_build(period=period, by=by, now=now)
        counted = _counted(period=period, by=by, now=now)
        assert _reported(report.total) == counted["total"][None]
        rows = {figures.key: _reported(figures) for figures in report.rows if figures.filed}
        assert rows == counted[by], by
