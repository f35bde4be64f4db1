from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from customers.models import Contact
from incidents.affected import incident_organisations_link
from incidents.models import Incident
from notices.models import ProductArea
from tests.factories import AccessGrantFactory, TicketFactory
from tickets.models import Ticket
from tickets.workflow import ticket_acknowledge, ticket_status_change

pytestmark = pytest.mark.django_db


def desk_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def page_of(world, client=None):  # type: ignore[no-untyped-def]
    return (client or desk_client(world.agent)).get(f"/desk/organisations/{world.alpha.pk}/")


def test_the_organisation_page_shows_the_customer_in_view(world):
    Contact.objects.filter(organisation=world.alpha, emergency_role="registered").update(user=world.alan, language="es")
    sev1 = TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue", summary="Checkout down")
    closed = TicketFactory(organisation=world.alpha, summary="Old closed thing")
    ticket_status_change(ticket=closed, actor=world.agent, status=Ticket.Status.CLOSED)
    AccessGrantFactory(organisation=world.alpha, granted_by=world.alan, reason="Debugging the carrier")
    AccessGrantFactory(
        organisation=world.alpha,
        granted_by=world.alan,
        reason="Long ago",
        starts_at=datetime(2025, 1, 1, tzinfo=UTC),
        ends_at=datetime(2025, 1, 2, tzinfo=UTC),
    )
    incident = Incident.objects.create(title="Carrier API degraded", message="Slow labels", detected_at=datetime.now(UTC))
    incident_organisations_link(
        incident=incident,
        organisations=[world.alpha],
        area=ProductArea.objects.create(name="Carriers"),
        actor=world.agent,
    )

    response = page_of(world)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Alpha Shop" in body and "Premium" in body and "Contract active" in body
    assert sev1.reference in body and "Checkout down" in body and "left" in body  # its clock
    assert closed.reference not in body
    assert "Registered emergency contact" in body and "signs in as alan@alpha.example" in body
    assert "Spanish" in body or "Español" in body
    assert "Debugging the carrier" in body and "Long ago" not in body
    assert "Carrier API degraded" in body
    assert "CANARY" not in body and world.outsider_ticket.reference not in body


def test_standard_hours_say_when_they_open(world):
    with time_machine.travel(datetime(2026, 11, 21, 18, 0, tzinfo=UTC), tick=False):  # a Saturday
        body = page_of(world).content.decode()
    assert "Closed · opens Monday 08:00 CST" in body
    with time_machine.travel(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), tick=False):  # Monday 09:00 in Chicago
        body = page_of(world).content.decode()
    assert "Open now · closes Monday 17:00 CST" in body


def test_attainment_is_the_share_acknowledged_within_target_over_90_days(world):
    start = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # a Monday, 09:00 in Chicago
    with time_machine.travel(start, tick=False):
        kept = TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue")
        late = TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue")
        TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue")  # overdue by the page's time
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        ticket_acknowledge(ticket=kept, actor=world.agent)
    with time_machine.travel(start + timedelta(hours=3), tick=False):  # Critical is 2 h on Premium
        ticket_acknowledge(ticket=late, actor=world.agent)
    with time_machine.travel(start - timedelta(days=120), tick=False):
        ancient = TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue")
        ticket_acknowledge(ticket=ancient, actor=world.agent)

    with time_machine.travel(start + timedelta(hours=4), tick=False):
        body = page_of(world).content.decode()
    # As the SLA report counts: kept is met; late, and the one still unacknowledged past its 2 h, are breached.
    assert "33 % acknowledged within target (1 of 3)" in body


def test_the_organisation_page_reads_the_same_number_of_queries_however_many_tickets(world):
    client = desk_client(world.agent)

    def queries_with(total: int) -> list[str]:
        for i in range(total - world.alpha.tickets.count()):
            TicketFactory(organisation=world.alpha, severity=(i % 5) + 1, type_slug="production-issue")
        page_of(world, client)  # warm: the session, the calendars
        with CaptureQueriesContext(connection) as captured:
            page_of(world, client)
        return [query["sql"][:160] for query in captured.captured_queries]

    thirty, ninety = queries_with(30), queries_with(90)
    assert len(ninety) == len(thirty), "\n".join(ninety)
    assert len(thirty) <= 18


def test_the_list_searches_by_name_account_and_retailer_and_counts_open_tickets(world):
    client = desk_client(world.agent)
    for _ in range(3):
        TicketFactory(organisation=world.alpha)

    def names(q: str) -> list[str]:
        return [org.name for org in client.get("/desk/organisations/", {"q": q}).context["page"].object_list]

    assert names("alpha") == ["Alpha Shop"]
    assert names("OUTSID") == ["Outsider Corp"]
    assert names("R2") == ["Alpha Shop", "Outsider Corp"]
    assert names("nobody-like-this") == []
    listed = {org.name: org.open_tickets for org in client.get("/desk/organisations/").context["page"].object_list}
    assert listed == {"Alpha Shop": 4, "Outsider Corp": 1}


def test_the_list_reads_the_same_number_of_queries_however_many_organisations(world):
    from tests.factories import OrganisationFactory

    client = desk_client(world.agent)
    client.get("/desk/organisations/")
    with CaptureQueriesContext(connection) as few:
        client.get("/desk/organisations/")
    for i in range(5):
        TicketFactory(organisation=OrganisationFactory(name=f"Zeta {i}"))
    with CaptureQueriesContext(connection) as many:
        client.get("/desk/organisations/")
    assert len(many) == len(few)


def test_every_ticket_links_to_its_organisation(world):
    body = desk_client(world.agent).get(f"/desk/tickets/{world.alice_ticket.number}/").content.decode()
    assert f'href="/desk/organisations/{world.alpha.pk}/"' in body


def test_customers_cannot_open_the_organisation_pages(world):
    customer = desk_client(world.alan)
    assert customer.get(f"/desk/organisations/{world.alpha.pk}/").status_code == 403
    assert customer.get("/desk/organisations/").status_code == 403
    assert desk_client(world.agent).get("/desk/organisations/999999/").status_code == 404
