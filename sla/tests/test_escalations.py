"""The minute tick: warnings, breaches, escalations and reminders, exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from notifications.models import OutboundEmail
from notifications.tasks import outbox_sweep
from sla.escalations import clock_breach, escalation_acknowledge, sla_tick
from sla.models import Escalation, SlaClock
from sla.selectors import clocks_due_for_breach
from sla.tasks import sla_tick as sla_tick_task
from sla.tests.helpers import chicago, clock, local, recipients
from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket, TicketEvent
from tickets.workflow import ticket_acknowledge, ticket_assign, ticket_status_change

pytestmark = pytest.mark.django_db


def tick_at(when):
    with time_machine.travel(when, tick=False):
        return sla_tick()


@pytest.fixture
def saturday_sev1(world):
    world.alpha.escalation_email = "escalations@alpha.example"
    world.alpha.save(update_fields=["escalation_email"])
    with time_machine.travel(chicago(2026, 11, 21, 3, 0), tick=False):
        return TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1, summary="Checkout down")


def test_the_tick_runs_every_minute_from_beat():
    assert settings.CELERY_BEAT_SCHEDULE["sla-tick"] == {"task": "sla.tasks.sla_tick", "schedule": 60.0}


def test_a_premium_critical_filed_saturday_breaches_at_five_and_reminds_the_leads(world, saturday_sev1):
    ticket = saturday_sev1
    assert tick_at(chicago(2026, 11, 21, 4, 29)).warned == 0
    assert tick_at(chicago(2026, 11, 21, 4, 30)).warned == 1
    assert recipients("sla-warn:") == {world.agent.email}, "nobody has it yet: every agent hears"

    assert tick_at(chicago(2026, 11, 21, 4, 59)).breached == 0
    result = tick_at(chicago(2026, 11, 21, 5, 0))
    assert (result.breached, result.escalated) == (1, 1)
    breached = clock(ticket)
    assert local(breached.breached_at) == chicago(2026, 11, 21, 5, 0)
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.kind == Escalation.Kind.AUTOMATIC
    assert local(escalation.next_reminder_at) == chicago(2026, 11, 21, 5, 30), "Premium reminds every 30 minutes"
    assert recipients(f"escalation:{escalation.pk}:0") == {world.lead.email, "escalations@alpha.example"}
    assert ticket.events.filter(kind=TicketEvent.Kind.ESCALATED, is_public=False).count() == 1

    assert tick_at(chicago(2026, 11, 21, 5, 29)).reminded == 0
    assert tick_at(chicago(2026, 11, 21, 5, 30)).reminded == 1
    assert recipients(f"escalation:{escalation.pk}:1") == {world.lead.email, "escalations@alpha.example"}
    assert tick_at(chicago(2026, 11, 21, 5, 45)).reminded == 0
    assert tick_at(chicago(2026, 11, 21, 6, 0)).reminded == 1, "another after the interval"
    assert recipients(f"escalation:{escalation.pk}:2") == {world.lead.email, "escalations@alpha.example"}

    with time_machine.travel(chicago(2026, 11, 21, 6, 10), tick=False):
        ticket_acknowledge(ticket=ticket, actor=world.agent)
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == world.agent and escalation.next_reminder_at is None
    assert tick_at(chicago(2026, 11, 21, 7, 0)).reminded == 0
    assert tick_at(chicago(2026, 11, 22, 7, 0)).reminded == 0
    assert escalation.reminders_sent == 2


def test_the_assignee_is_warned_and_copied_on_the_escalation(world, saturday_sev1):
    with time_machine.travel(chicago(2026, 11, 21, 3, 5), tick=False):
        ticket_assign(ticket=saturday_sev1, actor=world.lead, assignee=world.agent)
    other_agent = UserFactory(email="priya@vendor.example", role="agent")
    tick_at(chicago(2026, 11, 21, 4, 30))
    assert recipients("sla-warn:") == {world.agent.email}
    assert other_agent.email not in recipients("sla-warn:")
    tick_at(chicago(2026, 11, 21, 5, 0))
    assert world.agent.email in recipients("escalation:")


def test_a_lead_can_acknowledge_the_escalation_itself(world, saturday_sev1):
    tick_at(chicago(2026, 11, 21, 5, 0))
    with time_machine.travel(chicago(2026, 11, 21, 5, 10), tick=False):
        assert escalation_acknowledge(ticket=saturday_sev1, actor=world.lead) == 1
    assert tick_at(chicago(2026, 11, 21, 5, 30)).reminded == 0
    assert clock(saturday_sev1).state == SlaClock.State.RUNNING, "the ticket itself still waits for an agent"


def test_a_resolved_ticket_stops_reminding(world, saturday_sev1):
    tick_at(chicago(2026, 11, 21, 5, 0))
    with time_machine.travel(chicago(2026, 11, 21, 5, 10), tick=False):
        ticket_status_change(ticket=saturday_sev1, actor=world.agent, status=Ticket.Status.RESOLVED)
    assert tick_at(chicago(2026, 11, 21, 5, 30)).reminded == 0


def test_a_premium_low_breach_is_recorded_and_never_escalated(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=4)
    assert local(clock(ticket).due_at) == chicago(2026, 11, 25, 15, 0), "24 h in standard hours"
    result = tick_at(chicago(2026, 11, 25, 15, 1))
    assert (result.breached, result.escalated) == (1, 0)
    assert local(clock(ticket).breached_at) == chicago(2026, 11, 25, 15, 0)
    event = ticket.events.filter(kind=TicketEvent.Kind.SLA).last()
    assert event.after["breached_at"] and event.before["breached_at"] is None
    assert "not eligible for escalation" in event.reason
    assert tick_at(chicago(2026, 11, 27, 9, 0)) == type(result)()
    assert not Escalation.objects.exists()
    assert not OutboundEmail.objects.filter(event_key__startswith="escalation:").exists()


def test_a_reclassification_past_the_new_target_breaches_on_the_next_tick(world):
    from sla.models import Severity
    from tickets.workflow import ticket_severity_change

    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=3)
    with time_machine.travel(chicago(2026, 11, 23, 12, 0), tick=False):
        ticket_severity_change(ticket=ticket, actor=world.agent, severity=Severity.objects.get(level=1), reason="x")
    result = tick_at(chicago(2026, 11, 23, 12, 1))
    assert (result.breached, result.escalated, result.warned) == (1, 1, 0), "a breach is also the warning"


def test_the_task_reports_what_it_did(world, saturday_sev1):
    with time_machine.travel(chicago(2026, 11, 21, 5, 0), tick=False):
        assert sla_tick_task.delay().get() == {"breached": 1, "escalated": 1, "warned": 0, "reminded": 0}


def test_the_escalation_reaches_a_real_smtp_server(world, saturday_sev1, smtp):
    with time_machine.travel(chicago(2026, 11, 21, 5, 0), tick=False):
        sla_tick()
        outbox_sweep()
    to_lead = smtp.to(world.lead.email)
    to_customer = smtp.to("escalations@alpha.example")
    assert len(to_lead) == 1 and len(to_customer) == 1
    assert "breached its acknowledgement window" in to_lead[0]["Subject"]
    assert saturday_sev1.reference in to_lead[0]["Subject"]
    assert f"/desk/tickets/{saturday_sev1.number}/" in to_lead[0].text
    with time_machine.travel(chicago(2026, 11, 21, 5, 30), tick=False):
        sla_tick()
        outbox_sweep()
    assert [m["Subject"].startswith("Reminder 1") for m in smtp.to(world.lead.email)] == [False, True]


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_escalate_each_breach_exactly_once(need_postgres, shipped_defaults, world):
    world.alpha.escalation_email = "escalations@alpha.example"
    world.alpha.save(update_fields=["escalation_email"])
    with time_machine.travel(chicago(2026, 11, 21, 3, 0), tick=False):
        tickets = [TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1) for _ in range(5)]

    barrier = threading.Barrier(2)
    outcomes: list[str | None] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            now = chicago(2026, 11, 21, 5, 0)
            due = list(clocks_due_for_breach(now=now).values_list("pk", "ticket_id"))
            barrier.wait(timeout=30)  # both have read the same due rows; now both claim them
            for clock_id, ticket_id in due:
                outcome = clock_breach(clock_id=clock_id, ticket_id=ticket_id, now=now)
                with lock:
                    outcomes.append(outcome)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(chicago(2026, 11, 21, 5, 0), tick=False):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert len(outcomes) == 10, "each worker tried every due clock"
    assert outcomes.count("escalated") == 5 and outcomes.count(None) == 5
    assert Escalation.objects.count() == 5
    assert sorted(Escalation.objects.values_list("ticket_id", flat=True)) == sorted(t.pk for t in tickets)
    lead_mail = OutboundEmail.objects.filter(event_key__startswith="escalation:", recipient=world.lead.email)
    assert lead_mail.count() == 5
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.ESCALATED).count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_whole_ticks_at_once_remind_once(need_postgres, shipped_defaults, world):
    with time_machine.travel(chicago(2026, 11, 21, 3, 0), tick=False):
        for _ in range(3):
            TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    barrier = threading.Barrier(2)
    results = []

    def worker(when) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(sla_tick(now=when))
        finally:
            connection.close()

    for when in (chicago(2026, 11, 21, 5, 0), chicago(2026, 11, 21, 5, 30)):
        with time_machine.travel(when, tick=False):
            threads = [threading.Thread(target=worker, args=(when,)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
    assert sum(r.escalated for r in results) == 3
    assert sum(r.reminded for r in results) == 3
    assert sorted(Escalation.objects.values_list("reminders_sent", flat=True)) == [1, 1, 1]
    assert all(local(e.next_reminder_at) == chicago(2026, 11, 21, 6, 0) for e in Escalation.objects.all())
    assert Escalation.objects.first().next_reminder_at - Escalation.objects.first().created_at == timedelta(hours=1)
