"""Every figure of the report equals a brute-force Python computation over the same tickets.

A few hundred tickets with known outcomes: three tiers (and an organisation that moves
tier in the middle), three months, both DST changes of the autumn, pauses while waiting on
the customer, breaches marked by the tick and breaches acknowledged before it ran,
customer escalations and ratings.
"""

from __future__ import annotations

import contextlib
import random
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from customers.tiers import organisation_tier_change, tier_in_force
from reports.selectors import BREAKDOWNS, breaches_of, period_of_months, report_build
from sla.escalations import escalation_raise, sla_tick
from sla.models import Escalation, SlaClock, SupportTier
from tests.factories import OrganisationFactory, TicketFactory, UserFactory
from tickets.models import SatisfactionRating, Ticket
from tickets.workflow import ticket_acknowledge, ticket_status_change

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
TYPES = ["development-question", "production-issue"]


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


def _build(world: Any, *, count: int = 240) -> dict[str, Any]:
    rng = random.Random(20)
    premium = world.alpha
    advanced = OrganisationFactory(name="Globex", account_id="GLOBEX", tier=SupportTier.objects.get(name="Advanced"))
    breakfix = OrganisationFactory(name="Initech", account_id="INITECH", tier=SupportTier.objects.get(name="Break-Fix"))
    mover = OrganisationFactory(name="Mover", account_id="MOVER", tier=SupportTier.objects.get(name="Break-Fix"))
    customers = {org.pk: UserFactory(email=f"c{org.pk}@example.com", organisation=org) for org in (premium, advanced, breakfix, mover)}
    customers[premium.pk] = world.alice
    organisations = [premium, advanced, breakfix, mover]
    start = at(2026, 9, 25)
    tickets: list[Ticket] = []
    moved = False
    for index in range(count):
        filed = start + timedelta(minutes=rng.randrange(0, 80 * 24 * 60))
        if not moved and filed > at(2026, 10, 20):
            with time_machine.travel(at(2026, 10, 20), tick=False):
                organisation_tier_change(organisation=mover, tier=SupportTier.objects.get(name="Premium"), actor=world.admin)
            moved = True
        organisation = organisations[index % 4]
        severity = rng.choice([1, 1, 2, 2, 3, 4, 5, None])
        with time_machine.travel(filed, tick=False):
            ticket = TicketFactory(
                organisation=organisation,
                requester_user=customers[organisation.pk],
                severity=severity,
                type_slug=TYPES[index % 2] if severity else "development-question",
            )
        moment = filed
        if rng.random() < 0.3:  # waits on the customer for a while
            moment += timedelta(minutes=rng.randrange(5, 600))
            with time_machine.travel(moment, tick=False):
                ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.WAITING_ON_CUSTOMER)
            moment += timedelta(minutes=rng.randrange(30, 3000))
            with time_machine.travel(moment, tick=False):
                ticket_status_change(
                    ticket=ticket,
                    actor=world.alice if organisation == premium else customers[organisation.pk],
                    status=Ticket.Status.OPEN,
                )
        if severity in (1, 2) and rng.random() < 0.15:
            # Not eligible under some tiers: then nothing is raised.
            with time_machine.travel(moment + timedelta(minutes=1), tick=False), contextlib.suppress(ValidationError):
                escalation_raise(
                    ticket=Ticket.objects.get(pk=ticket.pk),
                    user=customers[organisation.pk],
                    description="down",
                    environment="live1",
                    justification="orders stuck",
                )
        fate = rng.random()
        if fate < 0.75:  # acknowledged, sometimes after the tick has marked a breach
            moment += timedelta(minutes=rng.randrange(1, 60 * 40))
            if rng.random() < 0.5:
                sla_tick(now=moment)
            with time_machine.travel(moment, tick=False):
                ticket_acknowledge(ticket=Ticket.objects.get(pk=ticket.pk), actor=world.agent)
            if rng.random() < 0.4:
                moment += timedelta(hours=2)
                with time_machine.travel(moment, tick=False):
                    ticket_status_change(ticket=Ticket.objects.get(pk=ticket.pk), actor=world.agent, status=Ticket.Status.RESOLVED)
                    SatisfactionRating.objects.create(ticket=ticket, score=rng.choice(["good", "good", "bad"]))
        elif fate < 0.85:  # resolved without an acknowledgement
            moment += timedelta(minutes=rng.randrange(1, 600))
            with time_machine.travel(moment, tick=False):
                ticket_status_change(ticket=Ticket.objects.get(pk=ticket.pk), actor=world.agent, status=Ticket.Status.RESOLVED)
        tickets.append(ticket)
    return {"organisations": organisations, "mover": mover}


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    if fraction == 0.5:
        return statistics.median(values)
    return statistics.quantiles(values, n=10, method="inclusive")[int(fraction * 10) - 1]


def _brute_force(
    *, start: datetime, end: datetime, now: datetime, zone: ZoneInfo, organisation: Any = None
) -> dict[str, dict[Any, dict[str, Any]]]:
    """Walk every ticket in Python and count by hand."""
    tallies: dict[str, dict[Any, dict[str, Any]]] = {by: defaultdict(lambda: defaultdict(list)) for by in BREAKDOWNS}
    tallies["total"] = defaultdict(lambda: defaultdict(list))
    for ticket in Ticket.objects.select_related("organisation").order_by("pk"):
        if not (start <= ticket.created_at < end) or (organisation is not None and ticket.organisation_id != organisation.pk):
            continue
        local = ticket.created_at.astimezone(zone)
        keys = {
            "tier": tier_in_force(organisation=ticket.organisation, at=ticket.created_at),
            "organisation": ticket.organisation_id,
            "severity": ticket.severity_id,
            "ticket_type": ticket.ticket_type_id,
            "month": date(local.year, local.month, 1),
            "total": None,
        }
        ack = SlaClock.objects.filter(ticket=ticket, metric="ack").first()
        escalations = list(Escalation.objects.filter(ticket=ticket))
        rating = SatisfactionRating.objects.filter(ticket=ticket).first()
        for by, key in keys.items():
            cell = tallies[by][key]
            cell["filed"].append(ticket.pk)
            cell["automatic"].extend(e for e in escalations if e.kind == "automatic")
            cell["customer"].extend(e for e in escalations if e.kind == "customer")
            if rating:
                cell["rated"].append(rating.score)
            if ack is None or ack.target_duration is None:
                continue
            cell["with_target"].append(ticket.pk)
            acknowledged = ack.state == "stopped" and ack.stopped_reason == "acknowledged"
            late = (
                ack.breached_at is not None
                or (ack.state == "stopped" and ack.elapsed_before > ack.target_duration)
                or (ack.state == "running" and ack.due_at is not None and ack.due_at <= now)
            )
            if late:
                cell["breached"].append(ticket.pk)
            elif acknowledged:
                cell["met"].append(ticket.pk)
            if acknowledged:
                cell["business"].append(ack.elapsed_before.total_seconds())
                cell["wall"].append((ack.stopped_at - ticket.created_at).total_seconds())
    return tallies


def _expected(cell: dict[str, list[Any]]) -> dict[str, Any]:
    def span(values: list[float], fraction: float) -> float | None:
        value = _percentile(values, fraction)
        return None if value is None else round(value, 3)

    return {
        "filed": len(cell["filed"]),
        "with_target": len(cell["with_target"]),
        "met": len(cell["met"]),
        "breached": len(cell["breached"]),
        "acknowledged": len(cell["business"]),
        "business_p50": span(cell["business"], 0.5),
        "business_p90": span(cell["business"], 0.9),
        "wall_p50": span(cell["wall"], 0.5),
        "wall_p90": span(cell["wall"], 0.9),
        "escalations_automatic": len(cell["automatic"]),
        "escalations_customer": len(cell["customer"]),
        "rated": len(cell["rated"]),
        "rated_good": cell["rated"].count("good"),
    }


def _got(figures: Any) -> dict[str, Any]:
    def span(value: timedelta | None) -> float | None:
        return None if value is None else round(value.total_seconds(), 3)

    return {
        "filed": figures.filed,
        "with_target": figures.with_target,
        "met": figures.met,
        "breached": figures.breached,
        "acknowledged": figures.acknowledged,
        "business_p50": span(figures.business_p50),
        "business_p90": span(figures.business_p90),
        "wall_p50": span(figures.wall_p50),
        "wall_p90": span(figures.wall_p90),
        "escalations_automatic": figures.escalations_automatic,
        "escalations_customer": figures.escalations_customer,
        "rated": figures.rated,
        "rated_good": figures.rated_good,
    }


def test_every_figure_equals_a_brute_force_recomputation(world):
    built = _build(world)
    now = at(2026, 12, 20)
    period = period_of_months(first=date(2026, 10, 1), last=date(2026, 11, 1), zone="America/Chicago")
    brute = _brute_force(start=period.start, end=period.end, now=now, zone=CHICAGO)
    assert len(brute["total"][None]["filed"]) > 150, "most tickets fall in the period"
    assert brute["total"][None]["breached"] and brute["total"][None]["met"] and brute["total"][None]["customer"]
    assert brute["total"][None]["automatic"] and brute["total"][None]["rated"]
    for by in BREAKDOWNS:
        report = report_build(period=period, by=by, now=now)
        assert _got(report.total) == _expected(brute["total"][None])
        got = {figures.key: _got(figures) for figures in report.rows if figures.filed or figures.rated}
        expected = {key: _expected(cell) for key, cell in brute[by].items()}
        assert got == expected, by
    mover_tiers = {row.label for row in report_build(period=period, by="tier", organisation=built["mover"], now=now).rows}
    assert mover_tiers == {"Break-Fix", "Premium"}, "the mover's tickets count under the tier in force when filed"


def test_one_organisations_report_holds_only_its_tickets(world):
    built = _build(world, count=96)  # a quarter of them the mover's: enough to tell its figures from the rest
    now = at(2026, 12, 20)
    period = period_of_months(first=date(2026, 10, 1), last=date(2026, 11, 1), zone="America/Chicago")
    mover = built["mover"]
    brute = _brute_force(start=period.start, end=period.end, now=now, zone=CHICAGO, organisation=mover)
    assert brute["total"][None]["breached"] and brute["total"][None]["met"], "the mover both kept and broke promises"
    for by in ("month", "severity"):
        report = report_build(period=period, by=by, organisation=mover, now=now)
        assert _got(report.total) == _expected(brute["total"][None])
        got = {figures.key: _got(figures) for figures in report.rows if figures.filed}
        assert got == {key: _expected(cell) for key, cell in brute[by].items()}
    breaches = breaches_of(period=period, organisation=mover, now=now)
    assert {b.organisation for b in breaches} == {"Mover"}
    assert len(breaches) == len(brute["total"][None]["breached"])


def test_time_to_acknowledge_across_the_dst_change_is_exact(world):
    """Premium Sev1 counts 24/7: filed 00:30 CDT on 1 November, acknowledged 02:30 CST, is three hours
    of wall and business time (01:00–02:00 happens twice). Sev3 counts standard hours: filed Saturday
    night, acknowledged Monday 09:30, is 1 h 30 of business time."""
    with time_machine.travel(datetime(2026, 11, 1, 5, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        sev1 = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    with time_machine.travel(datetime(2026, 11, 1, 8, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        ticket_acknowledge(ticket=sev1, actor=world.agent)
    with time_machine.travel(at(2026, 10, 31, 22, 0), tick=False):
        sev3 = TicketFactory(organisation=world.outsider, requester_user=world.charlie, severity=3)
    with time_machine.travel(at(2026, 11, 2, 9, 30), tick=False):
        ticket_acknowledge(ticket=sev3, actor=world.agent)
    period = period_of_months(first=date(2026, 10, 1), last=date(2026, 11, 1), zone="America/Chicago")
    report = report_build(period=period, by="severity", now=at(2026, 12, 1))
    rows = {figures.key: figures for figures in report.rows}
    assert rows[1].business_p50 == rows[1].wall_p50 == timedelta(hours=3)
    assert rows[3].business_p50 == timedelta(hours=1, minutes=30)
    assert rows[3].wall_p50 == timedelta(hours=36, minutes=30), "35 h 30 on the wall clock, plus the repeated hour"
    assert rows[1].breached == 1, "three hours is over the two promised"
    assert rows[3].met == 1
