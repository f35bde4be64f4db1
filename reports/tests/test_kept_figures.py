"""The kept figures rows always equal a recomputation from the tickets, clocks, escalations and ratings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from customers.tiers import organisation_tier_change
from reports.figures import figures_computed, figures_rebuild
from reports.models import TicketFigures
from sla.escalations import escalation_raise, sla_tick
from sla.models import Severity, SupportTier
from tests.factories import OrganisationFactory, TicketFactory, UserFactory
from tickets.merging import ticket_merge
from tickets.models import Ticket
from tickets.workflow import rating_record, ticket_acknowledge, ticket_severity_change, ticket_status_change

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
FIELDS = [
    "ticket_id",
    "filed_at",
    "tier_id",
    "organisation_id",
    "severity_id",
    "ticket_type_id",
    "outcome",
    "due_at",
    "business_seconds",
    "wall_seconds",
    "escalations_automatic",
    "escalations_customer",
    "rated",
    "rated_good",
]


def _values(rows: list[TicketFigures]) -> dict[int, tuple[Any, ...]]:
    return {row.ticket_id: tuple(getattr(row, name) for name in FIELDS) for row in rows}


def _kept() -> dict[int, tuple[Any, ...]]:
    return _values(list(TicketFigures.objects.all()))


def _recomputed() -> dict[int, tuple[Any, ...]]:
    return _values(figures_computed(Ticket.objects.all()))


def _row(ticket: Ticket) -> TicketFigures:
    return TicketFigures.objects.get(ticket=ticket)


def test_every_service_change_keeps_the_rows_equal_to_a_recomputation(world):
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
    assert _kept() == _recomputed()
    assert _row(late).outcome == TicketFigures.Outcome.RUNNING

    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        ticket_acknowledge(ticket=acknowledged, actor=world.agent)
        escalation_raise(
            ticket=Ticket.objects.get(pk=escalated.pk),
            user=world.alice,
            description="down",
            environment="live1",
            justification="orders stuck",
        )
    row = _row(acknowledged)
    assert (row.outcome, row.wall_seconds) == (TicketFigures.Outcome.MET, 20 * 60)
    assert _row(escalated).escalations_customer == 1

    sla_tick(now=start + timedelta(days=3))  # the Sev1 clocks run out
    row = _row(late)
    assert row.outcome == TicketFigures.Outcome.BREACHED
    assert row.escalations_automatic == 1, "Premium Sev1 escalates on breach"

    with time_machine.travel(start + timedelta(days=3, hours=1), tick=False):
        ticket_acknowledge(ticket=Ticket.objects.get(pk=late.pk), actor=world.agent)
        ticket_status_change(ticket=Ticket.objects.get(pk=rated.pk), actor=world.agent, status=Ticket.Status.RESOLVED)
        rating_record(ticket=Ticket.objects.get(pk=rated.pk), score="good", user=customer)
        ticket_severity_change(
            ticket=Ticket.objects.get(pk=reclassified.pk),
            actor=world.agent,
            severity=Severity.objects.get(level=2),
            reason="Production is down after all",
        )
        ticket_merge(duplicate=Ticket.objects.get(pk=duplicate.pk), kept=Ticket.objects.get(pk=acknowledged.pk), actor=world.agent)
    assert (_row(rated).rated, _row(rated).rated_good) == (1, 1)
    assert _row(reclassified).severity_id == 2
    assert _row(late).business_seconds is not None, "acknowledged late: counted in the time to acknowledge"
    assert _kept() == _recomputed()

    rating_record(ticket=Ticket.objects.get(pk=rated.pk), score="bad", user=customer)
    assert (_row(rated).rated, _row(rated).rated_good) == (1, 0), "a second rating replaces the first"

    break_fix = mover.tier_id
    with time_machine.travel(start + timedelta(days=10), tick=False):
        organisation_tier_change(organisation=mover, tier=SupportTier.objects.get(name="Premium"), actor=world.admin)
        later = TicketFactory(organisation=mover, requester_user=customer, severity=3)
    assert _row(rated).tier_id == break_fix, "filed before the move: still under the tier then in force"
    assert _row(later).tier_id == SupportTier.objects.get(name="Premium").pk

    Ticket.objects.get(pk=deleted.pk).delete()
    assert not TicketFigures.objects.filter(ticket_id=deleted.pk).exists()
    assert _kept() == _recomputed()
    assert len(_kept()) == Ticket.objects.count()


def test_the_rebuild_restores_rows_lost_or_wrong(world):
    TicketFigures.objects.filter(ticket=world.alice_ticket).delete()
    TicketFigures.objects.filter(ticket=world.outsider_ticket).update(outcome=TicketFigures.Outcome.BREACHED)
    assert _kept() != _recomputed()
    assert figures_rebuild(batch=1) == Ticket.objects.count()
    assert _kept() == _recomputed()
