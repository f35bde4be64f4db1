"""One rule, every door: what the portal refuses, the API and the admin refuse too, and what the
portal does on filing (send-back, reception mail) every channel does.

Each case runs through every door that can reach it and expects the same outcome; only the
wording of the refusal may differ. A door that cannot reach a rule at all (the admin files no
tickets, access grants have no API route) is checked to stay closed, so that a door added later
comes through the domain function. Tier changes and their clocks are covered with the SLA reports.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from customers.models import AccessGrant, Contact
from notifications.models import OutboundEmail
from portal.tests.conftest import production_issue_post
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

CONTACT_FIELDS = ("kind", "name", "email", "phone", "language", "emergency_role", "emergency_order")


def _registered(world: Any) -> Contact:
    return Contact.objects.get(organisation=world.alpha, emergency_role=Contact.EmergencyRole.REGISTERED)


def _still_registered(world: Any, contact: Contact) -> None:
    contact.refresh_from_db()
    assert contact.emergency_role == Contact.EmergencyRole.REGISTERED
    assert Contact.objects.filter(organisation=world.alpha, emergency_role=Contact.EmergencyRole.REGISTERED).count() == 1


def _portal(world: Any) -> Client:
    client = Client()
    client.force_login(world.alan)
    return client


def _admin(world: Any) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def _admin_contact_form(contact: Contact, **changes: Any) -> dict[str, Any]:
    data = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    data.update(organisation=contact.organisation_id, user="", **changes)
    return data


# --- Removing the registered emergency contact --------------------------------------------------


def _remove_through_portal(world: Any, contact: Contact) -> None:
    _portal(world).post(f"/portal/organisation/contacts/{contact.pk}/delete/")


def _remove_through_api(world: Any, contact: Contact) -> None:
    from api.tests.conftest import token_client

    response = token_client(world.alan).delete(f"/api/v1/contacts/{contact.pk}/")
    assert response.status_code == 400, response.content


def _remove_through_admin(world: Any, contact: Contact) -> None:
    _admin(world).post(f"/admin/customers/contact/{contact.pk}/delete/", {"post": "yes"})


def _remove_through_admin_action(world: Any, contact: Contact) -> None:
    _admin(world).post(
        "/admin/customers/contact/",
        {
            "action": "delete_selected",
            "_selected_action": [contact.pk],
            "post": "yes",
        },
    )


@pytest.mark.parametrize(
    "door",
    [
        _remove_through_portal,
        _remove_through_api,
        _remove_through_admin,
        _remove_through_admin_action,
    ],
    ids=["portal", "api", "admin", "admin-action"],
)
def test_no_door_removes_the_registered_emergency_contact(world, door) -> None:
    contact = _registered(world)

    door(world, contact)

    _still_registered(world, contact)


# --- Demoting the registered emergency contact -------------------------------------------------


def _demote_through_portal(world: Any, contact: Contact) -> None:
    data = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    response = _portal(world).post(f"/portal/organisation/contacts/{contact.pk}/", {**data, "emergency_role": ""})
    assert response.status_code == 400


def _demote_through_api(world: Any, contact: Contact) -> None:
    from api.tests.conftest import token_client

    response = token_client(world.alan).patch(f"/api/v1/contacts/{contact.pk}/", {"emergency_role": ""}, format="json")
    assert response.status_code == 400, response.content
    assert "emergency_role" in response.json()["error"]["fields"]


def _demote_through_admin(world: Any, contact: Contact) -> None:
    response = _admin(world).post(
        f"/admin/customers/contact/{contact.pk}/change/",
        _admin_contact_form(
            contact,
            emergency_role="",
        ),
    )
    assert response.status_code == 200  # the form again, with the refusal


@pytest.mark.parametrize("door", [_demote_through_portal, _demote_through_api, _demote_through_admin], ids=["portal", "api", "admin"])
def test_no_door_leaves_the_organisation_without_a_registered_emergency_contact(world, door) -> None:
    contact = _registered(world)

    door(world, contact)

    _still_registered(world, contact)


# --- Filing a production issue without the platform-issue justification ------------------------


def _file_through_portal(world: Any, **details: Any) -> Ticket | None:
    client = Client()
    client.force_login(world.alice)
    form = production_issue_post(world, **{f"detail_{key}": value for key, value in details.items()})
    client.post("/portal/new/", form)
    return Ticket.objects.filter(organisation=world.alpha).exclude(pk=world.alice_ticket.pk).first()


def _file_through_api(world: Any, **details: Any) -> Ticket | None:
    from api.tests.conftest import token_client

    body = {
        "type": "production-issue",
        "summary": "Orders stuck in AWAITING_PICK",
        "description": "Since 09:10 UTC.",
        "severity": 2,
        "environment": "live1",
        "details": {
            "retailer_ids": "R1, R2",
            "issue_type": "Fulfillment",
            "issue_start": "2026-11-20T09:10:00Z",
            "business_impact": "Stores cannot pick web orders.",
            "platform_justification": "Workflow unchanged since last week; the same rule works in sandbox.",
            **details,
        },
    }
    token_client(world.alice).post("/api/v1/tickets/", body, format="json")
    return Ticket.objects.filter(organisation=world.alpha).exclude(pk=world.alice_ticket.pk).first()


FILING_DOORS = pytest.mark.parametrize("file", [_file_through_portal, _file_through_api], ids=["portal", "api"])


@FILING_DOORS
def test_a_production_issue_without_justification_goes_back_to_its_reporter(world, file) -> None:
    ticket = file(world, platform_justification="")

    assert ticket is not None
    assert ticket.status == Ticket.Status.WAITING_ON_CUSTOMER
    assert ticket.comments.filter(is_internal=False, body__contains="platform issue").exists()
    assert OutboundEmail.objects.filter(event_key=f"ticket-created:{ticket.number}", recipient=world.alice.email).exists()


@FILING_DOORS
def test_a_justified_production_issue_is_new_and_its_reporter_gets_the_number(world, file) -> None:
    ticket = file(world)

    assert ticket is not None
    assert ticket.status == Ticket.Status.NEW
    assert OutboundEmail.objects.filter(event_key=f"ticket-created:{ticket.number}", recipient=world.alice.email).exists()


@FILING_DOORS
def test_an_issue_that_ends_before_it_starts_is_refused(world, file) -> None:
    ticket = file(world, issue_start="2026-11-20T09:10:00Z", issue_end="2026-11-20T08:00:00Z")

    assert ticket is None
    assert not OutboundEmail.objects.exists()


def test_the_admin_files_no_tickets(world) -> None:
    assert _admin(world).get("/admin/tickets/ticket/add/").status_code == 403


# --- Access grants: at most 90 days, and never a window that has ended --------------------------


def _grant_form(world: Any, *, days: int, ended: bool = False) -> dict[str, Any]:
    start = timezone.now() - timedelta(days=days + 2 if ended else 0)
    end = start + timedelta(days=days)
    return {
        "environment": world.alpha.environments.get(name="live1").pk,
        "level": AccessGrant.Level.ELEVATED,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        "reason": "SD-1042",
    }


def _grant_through_portal(world: Any, **window: Any) -> None:
    response = _portal(world).post("/portal/organisation/access/", _grant_form(world, **window))
    assert response.status_code == 400


def _grant_through_service(world: Any, **window: Any) -> None:
    """The door every later channel goes through."""
    from django.core.exceptions import ValidationError

    from customers.access import access_grant_create

    form = _grant_form(world, **window)
    start = timezone.now() - timedelta(days=window["days"] + 2 if window.get("ended") else 0)
    with pytest.raises(ValidationError):
        access_grant_create(
            organisation=world.alpha,
            environment=world.alpha.environments.get(name="live1"),
            level=form["level"],
            starts_at=start,
            ends_at=start + timedelta(days=window["days"]),
            reason="SD-1042",
            granted_by=world.alan,
        )


@pytest.mark.parametrize("door", [_grant_through_portal, _grant_through_service], ids=["portal", "service"])
@pytest.mark.parametrize("window", [{"days": 91}, {"days": 1, "ended": True}], ids=["over-90-days", "ended"])
def test_no_door_grants_more_than_ninety_days_or_a_window_in_the_past(world, door, window) -> None:
    door(world, **window)

    assert not AccessGrant.objects.filter(organisation=world.alpha).exists()


def test_access_grants_have_no_other_door(world) -> None:
    assert _admin(world).get("/admin/customers/accessgrant/add/").status_code == 404
    from api.tests.conftest import token_client

    assert token_client(world.alan).post("/api/v1/access-grants/", {}).status_code == 404


# --- Ticket search: one search, what the reader may read -----------------------------------------


def test_portal_api_and_desk_search_alike_and_never_through_internal_notes(world) -> None:
    from api.tests.conftest import token_client
    from tickets.workflow import comment_add

    ticket = world.alice_ticket
    comment_add(ticket=ticket, author=world.alice, body="The label printer jams on every order.")
    comment_add(ticket=ticket, author=world.agent, body="Internal: the zebra workaround.", is_internal=True)
    customer_portal = Client()
    customer_portal.force_login(world.alice)
    customer_api = token_client(world.alice)
    desk = Client()
    desk.force_login(world.agent)

    def portal_finds(text: str) -> bool:
        return ticket.reference in customer_portal.get("/portal/", {"q": text}).content.decode()

    def api_finds(text: str) -> bool:
        return [row["number"] for row in customer_api.get("/api/v1/tickets/", {"search": text}).json()["results"]] == [ticket.number]

    def desk_finds(text: str) -> bool:
        return f'href="/desk/tickets/{ticket.number}/"' in desk.get("/desk/", {"q": text}).content.decode()

    for text in ("printer", ticket.reference, "checkout"):
        assert portal_finds(text) and api_finds(text) and desk_finds(text), text
    assert not portal_finds("zebra") and not api_finds("zebra"), "a customer's search never reads internal notes"
    assert desk_finds("zebra")
