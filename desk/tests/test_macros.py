from __future__ import annotations

import pytest
from django.test import Client

from desk.models import Macro
from notifications.models import OutboundEmail
from sla.models import Severity
from tests.factories import TicketFactory
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def desk_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def a_macro(**fields) -> Macro:  # type: ignore[no-untyped-def]
    defaults = {
        "title": "Known carrier outage",
        "reply": "This is the known DHL outage; we will update you within the hour.",
        "status": Ticket.Status.WAITING_ON_VENDOR,
        "assign": Macro.Assign.ME,
        "severity": Severity.objects.get(level=2),
        "severity_reason": "Covered by the carrier incident",
        "tags": "carrier-dhl, outage",
    }
    return Macro.objects.create(**{**defaults, **fields})


def test_a_macro_applies_in_one_click_and_the_timeline_shows_each_change(world):
    macro = a_macro()
    ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1, type_slug="production-issue")

    response = desk_client(world.agent).post(f"/desk/tickets/{ticket.number}/macro/", {"macro": macro.pk})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.severity_id, ticket.assignee) == (Ticket.Status.WAITING_ON_VENDOR, 2, world.agent)
    kinds = [e.kind for e in ticket.events.exclude(kind__in=[TicketEvent.Kind.SLA, TicketEvent.Kind.CREATED])]
    assert kinds == ["replied", "acknowledged", "severity", "status", "assigned", "fields"]
    severity = ticket.events.get(kind=TicketEvent.Kind.SEVERITY)
    assert severity.reason == "Covered by the carrier incident" and severity.actor == world.agent
    assert ticket.events.get(kind="fields").after["added"] == ["carrier-dhl", "outage"]
    assert OutboundEmail.objects.filter(recipient=world.alice.email, event_key__startswith="ticket-reply:").exists()


def test_a_macro_the_ticket_cannot_take_changes_nothing(world):
    macro = a_macro(status=Ticket.Status.WAITING_ON_VENDOR)
    ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1, type_slug="production-issue")
    from tickets.workflow import ticket_status_change

    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.CLOSED)
    events_before = ticket.events.count()

    response = desk_client(world.agent).post(f"/desk/tickets/{ticket.number}/macro/", {"macro": macro.pk}, follow=True)

    assert "was not applied" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.severity_id, ticket.assignee, ticket.comments.count()) == ("closed", 1, None, 0)
    assert ticket.events.count() == events_before


def test_an_inactive_or_unknown_macro_is_not_found(world):
    macro = a_macro(active=False)
    client = desk_client(world.agent)
    assert client.post(f"/desk/tickets/{world.alice_ticket.number}/macro/", {"macro": macro.pk}).status_code == 404
    assert client.post(f"/desk/tickets/{world.alice_ticket.number}/macro/", {"macro": "x"}).status_code == 404
