from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from desk.models import TicketLink
from notifications.models import OutboundEmail
from tests.factories import AttachmentFactory, TicketFactory
from tickets.merging import ticket_merge, ticket_merge_target
from tickets.models import Ticket
from tickets.workflow import comment_add

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def a_duplicate(world):  # type: ignore[no-untyped-def]
    """Alan filed the same problem again, with a comment, a file, a copy and an internal note on it."""
    duplicate = TicketFactory(organisation=world.alpha, requester_user=world.alan, summary="Checkout slow again")
    ops = world.alpha.contacts.get(kind="list")
    duplicate.cc_contacts.add(ops)
    comment_add(ticket=duplicate, author=world.alan, body="It is slow on the basket page too.")
    comment_add(ticket=duplicate, author=world.agent, body="Same as the other one, surely.", is_internal=True)
    AttachmentFactory(ticket=duplicate, uploaded_by=world.alan, name="har-file.txt")
    return duplicate, ops


def test_the_kept_ticket_holds_everything_and_the_duplicate_closes_with_a_public_note(world):
    duplicate, ops = a_duplicate(world)
    kept = world.alice_ticket

    response = client_for(world.agent).post(f"/desk/tickets/{duplicate.number}/merge/", {"other": kept.reference})

    assert response.status_code == 302
    assert list(kept.comments.values_list("body", flat=True)) == [
        "It is slow on the basket page too.",
        "Same as the other one, surely.",
    ]
    assert list(kept.attachments.values_list("original_name", flat=True)) == ["har-file.txt"]
    assert ops in kept.cc_contacts.all()
    duplicate.refresh_from_db()
    assert duplicate.status == Ticket.Status.CLOSED
    note = duplicate.comments.get()
    assert not note.is_internal and kept.reference in note.body
    assert OutboundEmail.objects.filter(event_key=f"ticket-reply:{note.pk}", recipient=world.alan.email).exists()
    assert TicketLink.objects.get(from_ticket=duplicate).kind == TicketLink.Kind.MERGED
    # The kept ticket's timeline shows the moved messages, as public or internal as they were.
    page = client_for(world.agent).get(f"/desk/tickets/{kept.number}/").content.decode()
    assert "It is slow on the basket page too." in page and "Same as the other one, surely." in page
    alice_view = client_for(world.alan).get(f"/portal/tickets/{kept.number}/").content.decode()
    assert "It is slow on the basket page too." in alice_view and "Same as the other one" not in alice_view


def test_the_old_numbers_link_leads_to_the_kept_ticket_in_desk_portal_and_mail_threads(world):
    duplicate, _ops = a_duplicate(world)
    kept = world.alice_ticket
    ticket_merge(duplicate=duplicate, kept=kept, actor=world.agent)

    desk = client_for(world.agent).get(f"/desk/tickets/{duplicate.number}/")
    assert desk.status_code == 302 and desk["Location"] == f"/desk/tickets/{kept.number}/"
    assert client_for(world.agent).get(f"/desk/tickets/{duplicate.number}/?stay=1").status_code == 200
    portal = client_for(world.alan).get(f"/portal/tickets/{duplicate.number}/")
    assert portal.status_code == 302 and portal["Location"] == f"/portal/tickets/{kept.number}/"
    # Mail threaded to the duplicate (its Message-IDs, its reply token) is attached where this leads.
    assert ticket_merge_target(ticket=duplicate) == kept
    assert ticket_merge_target(ticket=kept) == kept
    staff = APIClient()
    staff.force_authenticate(world.agent)
    assert staff.get(f"/api/v1/tickets/{duplicate.number}/").json()["status"] == "closed"


def test_a_chain_of_merges_leads_to_its_end(world):
    first = TicketFactory(organisation=world.alpha, summary="First")
    second = TicketFactory(organisation=world.alpha, summary="Second")
    ticket_merge(duplicate=first, kept=second, actor=world.agent)
    ticket_merge(duplicate=second, kept=world.alice_ticket, actor=world.agent)
    assert ticket_merge_target(ticket=first) == world.alice_ticket


def test_a_cross_organisation_merge_is_refused_in_the_desk_and_the_api(world):
    before = Ticket.objects.get(pk=world.outsider_ticket.pk).status

    page = client_for(world.agent).post(
        f"/desk/tickets/{world.alice_ticket.number}/merge/",
        {"other": world.outsider_ticket.reference},
    )
    staff = APIClient()
    staff.force_authenticate(world.agent)
    api = staff.post(f"/api/v1/tickets/{world.alice_ticket.number}/merge/", {"into": world.outsider_ticket.number}, format="json")

    assert page.status_code == 400 and "same organisation" in page.content.decode()
    assert api.status_code == 400 and "same organisation" in api.json()["error"]["fields"]["into"][0]
    assert not TicketLink.objects.exists()
    assert Ticket.objects.get(pk=world.outsider_ticket.pk).status == before
    assert not world.outsider_ticket.comments.exists() and not world.alice_ticket.comments.exists()


def test_the_api_merges_for_staff_only(world):
    duplicate, _ops = a_duplicate(world)
    customer = APIClient()
    customer.force_authenticate(world.alan)
    assert (
        customer.post(f"/api/v1/tickets/{duplicate.number}/merge/", {"into": world.alice_ticket.number}, format="json").status_code
        == 403
    )
    staff = APIClient()
    staff.force_authenticate(world.agent)
    response = staff.post(f"/api/v1/tickets/{duplicate.number}/merge/", {"into": world.alice_ticket.number}, format="json")
    assert response.status_code == 200 and response.json()["number"] == world.alice_ticket.number
    assert ticket_merge_target(ticket=duplicate) == world.alice_ticket
