from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from desk.housekeeping import tags_parse, ticket_tags_add
from desk.models import TicketFollower
from tests.factories import TicketFactory
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


def desk_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def numbers(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [ticket.number for ticket in response.context["page"].object_list]


def test_tags_are_kept_tidy():
    assert tags_parse("Carrier DHL, carrier-dhl  REFUNDS,, ") == ["carrier", "dhl", "carrier-dhl", "refunds"]
    assert tags_parse("Carrier_DHL,") == ["carrier-dhl"]


def test_agents_tag_tickets_and_filter_the_queue_by_tag(world):
    client = desk_client(world.agent)
    other = TicketFactory(organisation=world.alpha, summary="Another")

    response = client.post(f"/desk/tickets/{world.alice_ticket.number}/tags/", {"tags": "Carrier DHL, refunds"})

    assert response.status_code == 302
    event = world.alice_ticket.events.filter(kind=TicketEvent.Kind.FIELDS).get()
    assert (event.after["added"], event.is_public, event.actor) == (["carrier", "dhl", "refunds"], False, world.agent)
    assert numbers(client.get("/desk/", {"tag": "refunds"})) == [world.alice_ticket.number]
    assert numbers(client.get("/desk/", {"tag": "refunds", "view": "unassigned"})) == [world.alice_ticket.number]
    assert other.number not in numbers(client.get("/desk/", {"tag": "dhl"}))
    page = client.get(f"/desk/tickets/{other.number}/").content.decode()
    assert '<option value="refunds">' in page  # the autocomplete offers the tags in use

    client.post(f"/desk/tickets/{world.alice_ticket.number}/tags/", {"tags": "refunds"})
    assert numbers(client.get("/desk/", {"tag": "dhl"})) == []


def test_the_api_filters_by_tag_for_staff_and_never_shows_tags_to_customers(world):
    ticket_tags_add(ticket=world.alice_ticket, names=["vip"], actor=world.agent)
    staff = APIClient()
    staff.force_authenticate(world.agent)
    listed = staff.get("/api/v1/tickets/", {"tag": "vip"}).json()
    assert [row["number"] for row in listed["results"]] == [world.alice_ticket.number]
    assert listed["results"][0]["tags"] == ["vip"]
    customer = APIClient()
    customer.force_authenticate(world.alice)
    mine = customer.get("/api/v1/tickets/").json()["results"]
    assert mine and all(row["tags"] == [] for row in mine)
    assert "vip" not in desk_client(world.alice).get(f"/portal/tickets/{world.alice_ticket.number}/").content.decode()


def test_agents_follow_and_unfollow(world):
    client = desk_client(world.agent)
    client.post(f"/desk/tickets/{world.alice_ticket.number}/follow/", {"action": "follow"})
    assert TicketFollower.objects.filter(ticket=world.alice_ticket, user=world.agent).exists()
    assert "Sam Agent" in client.get(f"/desk/tickets/{world.alice_ticket.number}/").content.decode()
    client.post(f"/desk/tickets/{world.alice_ticket.number}/follow/", {"action": "unfollow"})
    assert not TicketFollower.objects.filter(ticket=world.alice_ticket).exists()


def test_cc_contacts_of_the_organisation_only(world):
    client = desk_client(world.agent)
    ops = world.alpha.contacts.get(kind="list")
    outsider_contact = world.outsider.contacts.first()

    client.post(f"/desk/tickets/{world.alice_ticket.number}/cc/", {"contact": ops.pk, "action": "add"})
    assert list(world.alice_ticket.cc_contacts.all()) == [ops]
    refused = client.post(f"/desk/tickets/{world.alice_ticket.number}/cc/", {"contact": outsider_contact.pk, "action": "add"})
    assert refused.status_code == 400 and "contacts of the ticket" in refused.content.decode()
    assert list(world.alice_ticket.cc_contacts.all()) == [ops]
    client.post(f"/desk/tickets/{world.alice_ticket.number}/cc/", {"contact": ops.pk, "action": "remove"})
    assert list(world.alice_ticket.cc_contacts.all()) == []
    kinds = [e.after for e in world.alice_ticket.events.filter(kind=TicketEvent.Kind.FIELDS)]
    assert kinds == [{"cc_added": [ops.name]}, {"cc_removed": [ops.name]}]
