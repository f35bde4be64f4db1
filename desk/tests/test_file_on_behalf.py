from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from desk.filing import ticket_file_on_behalf
from notifications.models import OutboundEmail
from sla.models import Severity
from tests.factories import required_details
from tickets.models import Ticket, TicketEvent, TicketType

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a Tuesday, 09:00 in Chicago


def desk_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_clock_counts_from_the_call_not_from_the_typing(world):
    production = TicketType.objects.get(slug="production-issue")
    contact = world.alpha.contacts.get(emergency_role="registered")
    with time_machine.travel(NOW, tick=False):
        ticket = ticket_file_on_behalf(
            organisation=world.alpha,
            ticket_type=production,
            actor=world.agent,
            requester_contact=contact,
            received_at=NOW - timedelta(minutes=90),
            via="phone",
            summary="Checkout down, said on the phone",
            severity=Severity.objects.get(level=1),
            # Filed for a caller, a production issue still needs seed 002's justification, or it goes back.
            details={**required_details(production, world.alpha), "platform_justification": "Every order fails."},
            environment=world.alpha.environments.get(name="live1"),
        )
    ticket.refresh_from_db()
    clock = ticket.sla_clocks.get(metric="ack")
    assert ticket.created_at == NOW - timedelta(minutes=90)
    assert clock.started_at == NOW - timedelta(minutes=90)
    assert clock.due_at == NOW + timedelta(minutes=30)  # Premium Critical: 2 h around the clock
    assert (ticket.requester_contact, ticket.requester_user) == (contact, None)
    created = ticket.events.get(kind=TicketEvent.Kind.CREATED)
    assert created.actor == world.agent


def test_an_agent_files_for_a_contact_who_gets_the_reception_mail(world):
    contact = world.alpha.contacts.get(emergency_role="registered")
    ops = world.alpha.contacts.get(kind="list")
    client = desk_client(world.agent)
    assert client.get(f"/desk/organisations/{world.alpha.pk}/file/").status_code == 200
    form = client.get(f"/desk/organisations/{world.alpha.pk}/file/", {"type": "development-question"})
    assert form.status_code == 200 and contact.email in form.content.decode()

    with time_machine.travel(NOW, tick=False):
        response = client.post(
            f"/desk/organisations/{world.alpha.pk}/file/",
            {
                "type": "development-question",
                "requester_contact": contact.pk,
                "via": "chat",
                "received_at": "2026-11-24T08:40",
                "summary": "How to page the orders API",
                "description": "From the chat.",
                "cc_contacts": [ops.pk],
                "environment": world.alpha.environments.get(name="test1").pk,
                **{
                    f"detail_{key}": value
                    for key, value in required_details(TicketType.objects.get(slug="development-question"), world.alpha).items()
                },
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = Ticket.objects.get(summary="How to page the orders API")
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    assert ticket.created_at == datetime(2026, 11, 24, 14, 40, tzinfo=UTC)  # 08:40 in the agent's Chicago
    mails = {row.recipient: row.subject for row in OutboundEmail.objects.filter(event_key=f"ticket-created:{ticket.number}")}
    assert "We received your request" in mails[contact.email] and "Copy" in mails[ops.email]
    note = ticket.comments.get(is_internal=True)
    assert "Filed by Sam Agent for" in note.body and contact.email in note.body and "by chat" in note.body
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Filed by Sam Agent for" in page


def test_a_contact_of_another_organisation_and_a_future_time_are_refused(world):
    client = desk_client(world.agent)
    outsider_contact = world.outsider.contacts.first()
    before = Ticket.objects.count()
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            f"/desk/organisations/{world.alpha.pk}/file/",
            {
                "type": "development-question",
                "requester_contact": outsider_contact.pk,
                "via": "phone",
                "received_at": "2026-11-24T08:40",
                "summary": "x",
                "description": "y",
            },
        )
        assert response.status_code == 400
        with pytest.raises(ValidationError):
            ticket_file_on_behalf(
                organisation=world.alpha,
                ticket_type=TicketType.objects.get(slug="development-question"),
                actor=world.agent,
                requester_contact=world.alpha.contacts.first(),
                received_at=NOW + timedelta(hours=1),
                via="phone",
                summary="From the future",
            )
    assert Ticket.objects.count() == before
    assert desk_client(world.alan).get(f"/desk/organisations/{world.alpha.pk}/file/").status_code == 403
