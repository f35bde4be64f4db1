from __future__ import annotations

import threading
import urllib.request
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket, TicketEvent
from tickets.workflow import ticket_assign, ticket_status_change


def desk_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_take_next_assigns_the_most_urgent_unassigned_ticket_and_opens_it(world):
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=1), tick=False):
        older_high = TicketFactory(organisation=world.alpha, severity=2, type_slug="production-issue")
    sev1 = TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue")  # due first: 2 h
    taken_sev1 = TicketFactory(organisation=world.outsider, severity=1, type_slug="production-issue")
    ticket_assign(ticket=taken_sev1, actor=world.lead, assignee=world.lead)
    closed_sev1 = TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue")
    ticket_status_change(ticket=closed_sev1, actor=world.lead, status=Ticket.Status.CLOSED)
    client = desk_client(world.agent)

    first = client.post("/desk/next/")
    second = client.post("/desk/next/")

    assert first["Location"] == f"/desk/tickets/{sev1.number}/"
    assert second["Location"] == f"/desk/tickets/{older_high.number}/"
    sev1.refresh_from_db()
    assert sev1.assignee == world.agent
    event = sev1.events.filter(kind=TicketEvent.Kind.ASSIGNED).get()
    assert (event.actor, event.after, event.is_public) == (world.agent, {"assignee": "Sam Agent"}, False)
    assert Ticket.objects.get(pk=taken_sev1.pk).assignee == world.lead


@pytest.mark.django_db
def test_take_next_with_nothing_left_says_so(world):
    for ticket in Ticket.objects.all():
        ticket_assign(ticket=ticket, actor=world.lead, assignee=world.lead)
    response = desk_client(world.agent).post("/desk/next/", follow=True)
    assert response.redirect_chain[-1][0] == "/desk/"
    assert "No unassigned ticket is waiting." in response.content.decode()


@pytest.mark.django_db
def test_customers_cannot_take_tickets(world):
    assert desk_client(world.alan).post("/desk/next/").status_code == 403
    assert Ticket.objects.get(pk=world.alice_ticket.pk).assignee is None


def _session_headers(client: Client) -> dict[str, str]:
    """Headers of a real browser signed in as the client's user, with a CSRF secret its form echoes."""
    secret = "racetestcsrfsecret0123456789abcd"  # 32 characters: Django accepts the bare secret
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={secret}", "X-CSRFToken": secret}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_next_at_once_get_two_different_tickets(need_postgres, shipped_defaults, live_server, world):
    priya = UserFactory(email="priya@vendor.example", full_name="Priya Patel", role="agent")
    for _ in range(4):
        TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue")
    agents = [world.agent, priya]
    sessions = [_session_headers(desk_client(agent)) for agent in agents]

    for _round in range(3):
        start = threading.Barrier(len(agents))
        landed: dict[int, str] = {}

        def press(index: int, start: threading.Barrier = start, landed: dict[int, str] = landed) -> None:
            request = urllib.request.Request(  # noqa: S310 - the live test server
                f"{live_server.url}/desk/next/",
                data=b"",
                method="POST",
                headers={**sessions[index], "Referer": f"{live_server.url}/desk/"},
            )
            start.wait()
            landed[index] = urllib.request.urlopen(request).geturl()  # noqa: S310 - the live test server

        threads = [threading.Thread(target=press, args=(i,)) for i in range(len(agents))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert len(landed) == 2 and landed[0] != landed[1], landed
        assert all("/desk/tickets/" in url for url in landed.values()), landed

    taken = list(Ticket.objects.filter(assignee__isnull=False).values_list("assignee__email", flat=True))
    assert sorted(taken) == sorted([world.agent.email, priya.email] * 3)
    claims = TicketEvent.objects.filter(kind=TicketEvent.Kind.ASSIGNED)
    assert claims.count() == 6 and claims.values("ticket").distinct().count() == 6
