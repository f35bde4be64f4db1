"""Customer escalation in the portal, and the clock panel in the desk."""

from __future__ import annotations

import pytest
import time_machine

from notifications.models import OutboundEmail
from sla.models import Escalation, SlaClock
from sla.tests.helpers import chicago
from tests.factories import TicketFactory
from tickets.models import Ticket, TicketEvent
from tickets.workflow import ticket_status_change

pytestmark = pytest.mark.django_db

PROMISE = "An escalation brings in a support lead; it does not make the target shorter."
ANSWERS = {"description": "Orders stuck since 09:10", "environment": "live1", "justification": "Revenue is lost"}


@pytest.fixture
def sev2(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        return TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2, summary="Feed late")


def url(ticket: Ticket) -> str:
    return f"/portal/tickets/{ticket.number}/escalate/"


def test_the_portal_ticket_offers_escalation(client, world, sev2):
    client.force_login(world.alice)
    page = client.get(f"/portal/tickets/{sev2.number}/").content.decode()
    assert url(sev2) in page


def test_the_escalation_page_says_it_does_not_shorten_the_target(client, world, sev2):
    client.force_login(world.alice)
    response = client.get(url(sev2))
    assert response.status_code == 200
    assert PROMISE in response.content.decode()


def test_a_customer_escalates_with_a_justification_and_a_lead_hears(client, world, sev2):
    due_before = SlaClock.objects.get(ticket=sev2, metric="ack").due_at
    client.force_login(world.alice)
    with time_machine.travel(chicago(2026, 11, 23, 9, 30), tick=False):
        response = client.post(url(sev2), ANSWERS)
    assert response.status_code == 302 and response["Location"] == f"/portal/tickets/{sev2.number}/"
    escalation = Escalation.objects.get(ticket=sev2)
    assert escalation.kind == Escalation.Kind.CUSTOMER and escalation.created_by == world.alice
    assert (escalation.description, escalation.environment, escalation.justification) == tuple(ANSWERS.values())
    assert SlaClock.objects.get(ticket=sev2, metric="ack").due_at == due_before, "the target does not change"
    event = sev2.events.get(kind=TicketEvent.Kind.ESCALATED)
    assert event.is_public and event.actor == world.alice and event.reason == "Revenue is lost"
    mail = OutboundEmail.objects.filter(event_key=f"escalation:{escalation.pk}:0")
    assert set(mail.values_list("recipient", flat=True)) == {world.lead.email}
    assert "Revenue is lost" in mail.get().body_text


def test_missing_answers_are_refused_and_change_nothing(client, world, sev2):
    client.force_login(world.alice)
    response = client.post(url(sev2), {**ANSWERS, "justification": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Escalation.objects.exists()


def test_a_second_escalation_waits_for_the_first(client, world, sev2):
    client.force_login(world.alice)
    client.post(url(sev2), ANSWERS)
    response = client.post(url(sev2), ANSWERS)
    assert response.status_code == 409
    assert "already escalated" in response.content.decode()
    assert Escalation.objects.count() == 1


def test_a_low_severity_or_closed_ticket_cannot_be_escalated(client, world, sev2):
    low = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=4)
    client.force_login(world.alice)
    assert "not eligible" in client.get(url(low)).content.decode()
    assert client.post(url(low), ANSWERS).status_code == 409
    ticket_status_change(ticket=sev2, actor=world.agent, status=Ticket.Status.RESOLVED)
    assert client.post(url(sev2), ANSWERS).status_code == 409
    assert not Escalation.objects.exists()


def test_another_organisations_ticket_is_not_found(client, world):
    outsider = TicketFactory(organisation=world.outsider, requester_user=world.charlie, severity=1)
    client.force_login(world.alice)
    assert client.get(url(outsider)).status_code == 404
    assert client.post(url(outsider), ANSWERS).status_code == 404
    assert not Escalation.objects.exists()


def test_support_staff_cannot_escalate_as_a_customer(client, world, sev2):
    client.force_login(world.agent)
    assert client.post(url(sev2), ANSWERS).status_code == 403


def test_the_desk_shows_the_clock_explained_and_acknowledges_escalations(client, world, sev2):
    client.force_login(world.alice)
    client.post(url(sev2), ANSWERS)
    client.force_login(world.agent)
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        page = client.get(f"/desk/tickets/{sev2.number}/").content.decode()
    assert "SLA clocks" in page
    assert "Target: acknowledgement within 4 h for High on the Premium tier." in page
    assert "Mon 23 Nov 2026 13:00 CST (America/Chicago)" in page, "due, in the agent's timezone"
    assert "19:00 UTC (UTC)" in page, "and in the contract's"
    assert "Revenue is lost" in page
    response = client.post(f"/desk/tickets/{sev2.number}/escalations/acknowledge/")
    assert response.status_code == 302
    assert Escalation.objects.get().acknowledged_by == world.agent


def test_an_ineligible_ticket_shows_the_reason_instead_of_the_button(client, world):
    low = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=5)
    client.force_login(world.alice)
    page = client.get(f"/portal/tickets/{low.number}/").content.decode()
    assert url(low) not in page
    assert "not eligible for escalation under your support plan" in page


def test_escalating_moves_the_updated_time(client, world, sev2):
    client.force_login(world.alice)
    with time_machine.travel(chicago(2026, 11, 23, 9, 30), tick=False):
        client.post(url(sev2), ANSWERS)
    sev2.refresh_from_db()
    assert sev2.updated_at == chicago(2026, 11, 23, 9, 30)
