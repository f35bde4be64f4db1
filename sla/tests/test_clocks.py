"""Clocks start, stop, pause and move as the ticket's timeline says, and say so on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from sla.models import CalendarHoliday, Severity, SlaClock, SupportTier
from sla.tests.helpers import chicago, clock, local
from tests.factories import OrganisationFactory, TicketFactory
from tickets.models import Ticket, TicketEvent
from tickets.selectors import timeline_visible_to
from tickets.workflow import (
    comment_add,
    ticket_acknowledge,
    ticket_send_back,
    ticket_severity_change,
    ticket_status_change,
)

pytestmark = pytest.mark.django_db


def tier(name: str) -> SupportTier:
    return SupportTier.objects.get(name=name)


def test_a_premium_critical_ticket_filed_saturday_night_is_due_two_hours_later(world):
    with time_machine.travel(chicago(2026, 11, 21, 3, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    ack = clock(ticket)
    assert ack.state == SlaClock.State.RUNNING
    assert ack.target.duration == timedelta(hours=2)
    assert local(ack.due_at) == chicago(2026, 11, 21, 5, 0)
    assert local(ack.warn_at) == chicago(2026, 11, 21, 4, 30), "75 % of two hours"


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        # Fri 16–17, Mon 8–17, Tue 8–17, Wed 8–13: 1 + 9 + 9 + 5 = 24 business hours.
        (chicago(2026, 11, 20, 16, 0), chicago(2026, 11, 25, 13, 0)),
        # The Monday is Martin Luther King Jr. Day, a US public holiday: one day later.
        (chicago(2027, 1, 15, 16, 0), chicago(2027, 1, 21, 13, 0)),
    ],
)
def test_a_break_fix_critical_ticket_filed_friday_afternoon(filed, due):
    organisation = OrganisationFactory(account_id="INITECH", tier=tier("Break-Fix"))
    with time_machine.travel(filed, tick=False):
        ticket = TicketFactory(organisation=organisation, severity=1)
    assert local(clock(ticket).due_at) == due


def test_a_holiday_added_by_an_admin_moves_the_next_deadline():
    organisation = OrganisationFactory(account_id="INITECH", tier=tier("Break-Fix"))
    standard = organisation.tier.targets.get(severity=1, metric="ack").calendar
    CalendarHoliday.objects.create(calendar=standard, date=chicago(2026, 12, 7).date(), name="Company day")
    with time_machine.travel(chicago(2026, 12, 4, 16, 0), tick=False):
        ticket = TicketFactory(organisation=organisation, severity=1)
    assert local(clock(ticket).due_at) == chicago(2026, 12, 10, 13, 0)


def test_a_ticket_without_severity_has_no_clock(world):
    assert not SlaClock.objects.filter(ticket=world.alice_ticket).exists()
    assert not world.alice_ticket.events.filter(kind=TicketEvent.Kind.SLA).exists()


def test_acknowledging_stops_the_clock_and_starts_the_next_update_clock(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    with time_machine.travel(chicago(2026, 11, 23, 9, 40), tick=False):
        ticket_acknowledge(ticket=ticket, actor=world.agent)
    ack = clock(ticket)
    assert ack.state == SlaClock.State.STOPPED
    assert local(ack.stopped_at) == chicago(2026, 11, 23, 9, 40)
    assert ack.elapsed_before == timedelta(minutes=40)
    update = clock(ticket, "update")
    assert update.state == SlaClock.State.RUNNING
    assert local(update.due_at) == chicago(2026, 11, 23, 10, 40), "Premium promises an update every hour on Sev1"

    with time_machine.travel(chicago(2026, 11, 23, 10, 15), tick=False):
        comment_add(ticket=ticket, author=world.agent, body="We found the cause.")
    assert local(clock(ticket, "update").due_at) == chicago(2026, 11, 23, 11, 15), "each public reply restarts it"

    with time_machine.travel(chicago(2026, 11, 23, 10, 20), tick=False):
        comment_add(ticket=ticket, author=world.agent, body="internal", is_internal=True)
    assert local(clock(ticket, "update").due_at) == chicago(2026, 11, 23, 11, 15), "a note does not"

    with time_machine.travel(chicago(2026, 11, 23, 11, 0), tick=False):
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    assert clock(ticket, "update").state == SlaClock.State.STOPPED


@pytest.mark.parametrize("how", ["reply", "send back"])
def test_a_public_reply_or_sending_back_counts_as_the_acknowledgement(world, how):
    ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2)
    if how == "reply":
        comment_add(ticket=ticket, author=world.agent, body="On it.")
    else:
        ticket_send_back(ticket=ticket, actor=world.agent, message="Which environment?")
    assert clock(ticket).state == SlaClock.State.STOPPED
    assert clock(ticket).stopped_reason == "acknowledged"


def test_waiting_on_the_customer_pauses_and_pushes_the_deadline_out(world):
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    with time_machine.travel(chicago(2026, 11, 23, 10, 30), tick=False):
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.WAITING_ON_CUSTOMER)
    paused = clock(ticket)
    assert paused.state == SlaClock.State.PAUSED
    assert paused.elapsed_before == timedelta(minutes=30)
    assert paused.due_at is None, "a paused clock is due never, so the tick never looks at it"

    with time_machine.travel(chicago(2026, 11, 23, 11, 30), tick=False):
        comment_add(ticket=ticket, author=world.alice, body="Here are the logs.")
    resumed = clock(ticket)
    assert resumed.state == SlaClock.State.RUNNING
    assert resumed.paused_total == timedelta(hours=1)
    assert local(resumed.due_at) == chicago(2026, 11, 23, 13, 0), "an hour later than without the pause"
    assert len(resumed.pauses) == 1 and resumed.pauses[0][1] is not None


def test_a_target_that_does_not_pause_keeps_counting_while_waiting(world):
    world.alpha.tier.targets.filter(severity=1, metric="ack").update(pauses_while_waiting=False)
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.WAITING_ON_CUSTOMER)
    assert clock(ticket).state == SlaClock.State.RUNNING
    assert local(clock(ticket).due_at) == chicago(2026, 11, 23, 12, 0)


def test_a_severity_change_keeps_the_elapsed_time_and_moves_the_deadline(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=3)
    before = clock(ticket)
    assert local(before.due_at) == chicago(2026, 11, 23, 17, 0), "Sev3: 8 h in standard hours"
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        ticket_severity_change(
            ticket=ticket,
            actor=world.agent,
            severity=Severity.objects.get(level=1),
            reason="Checkout is down",
        )
    after = clock(ticket)
    assert after.elapsed_before == timedelta(hours=1), "the hour already counted is kept"
    assert after.target.severity_id == 1
    assert local(after.due_at) == chicago(2026, 11, 23, 11, 0), "2 h minus the hour counted"
    event = ticket.events.filter(kind=TicketEvent.Kind.SLA).last()
    assert event.before["due_at"] == before.due_at.isoformat()
    assert event.after["due_at"] == after.due_at.isoformat()
    assert "Severity changed from 3 to 1" in event.reason
    assert after.recomputations[0]["elapsed"] == 3600


def test_a_severity_change_past_the_new_target_makes_the_clock_due_now(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=3)
    with time_machine.travel(chicago(2026, 11, 23, 12, 0), tick=False):
        ticket_severity_change(ticket=ticket, actor=world.agent, severity=Severity.objects.get(level=1), reason="x")
    assert local(clock(ticket).due_at) == chicago(2026, 11, 23, 12, 0)


def test_a_severity_set_later_starts_the_clock_from_submission(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice)
    with time_machine.travel(chicago(2026, 11, 23, 9, 30), tick=False):
        ticket_severity_change(ticket=ticket, actor=world.agent, severity=Severity.objects.get(level=2), reason="x")
    started = clock(ticket)
    assert local(started.started_at) == chicago(2026, 11, 23, 9, 0)
    assert started.elapsed_before == timedelta(minutes=30)
    assert local(started.due_at) == chicago(2026, 11, 23, 13, 0), "4 h from submission"


def test_a_severity_without_a_target_stops_nothing_but_leaves_no_deadline(world):
    organisation = OrganisationFactory(account_id="INITECH", tier=tier("Break-Fix"))
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=organisation, severity=1)
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        ticket_severity_change(ticket=ticket, actor=world.agent, severity=Severity.objects.get(level=4), reason="x")
    downgraded = clock(ticket)
    assert downgraded.target is None and downgraded.due_at is None, "Break-Fix promises nothing for Low"
    assert downgraded.elapsed_before == timedelta(hours=1)


def test_resolving_stops_and_reopening_an_unacknowledged_ticket_counts_on(world):
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    with time_machine.travel(chicago(2026, 11, 23, 10, 30), tick=False):
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    assert clock(ticket).state == SlaClock.State.STOPPED
    with time_machine.travel(chicago(2026, 11, 23, 12, 0), tick=False):
        ticket_status_change(ticket=ticket, actor=world.alice, status=Ticket.Status.OPEN)
    reopened = clock(ticket)
    assert reopened.state == SlaClock.State.RUNNING
    assert local(reopened.due_at) == chicago(2026, 11, 23, 13, 30)


def test_every_clock_change_is_on_the_timeline_for_support_only(world):
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.WAITING_ON_CUSTOMER)
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.OPEN)
        ticket_acknowledge(ticket=ticket, actor=world.agent)
    sla = list(ticket.events.filter(kind=TicketEvent.Kind.SLA))
    states = [(event.before.get("state"), event.after["state"], event.after["metric"]) for event in sla]
    assert states == [
        (None, "running", "ack"),
        ("running", "paused", "ack"),
        ("paused", "running", "ack"),
        ("running", "stopped", "ack"),
        (None, "running", "update"),
    ]
    assert all(not event.is_public and {"due_at", "warn_at", "state"} <= set(event.after) for event in sla)
    assert not timeline_visible_to(user=world.alice, ticket=ticket).filter(kind=TicketEvent.Kind.SLA).exists()
    assert timeline_visible_to(user=world.agent, ticket=ticket).filter(kind=TicketEvent.Kind.SLA).count() == 5
