"""An organisation's admins manage its contacts through the API."""

from __future__ import annotations

import pytest

from customers.models import Contact

pytestmark = pytest.mark.django_db


def test_only_organisation_admins_manage_contacts(world, api_as) -> None:
    assert api_as(world.alice).get("/api/v1/contacts/").status_code == 403
    assert api_as(world.agent).get("/api/v1/contacts/").status_code == 403

    response = api_as(world.alan).get("/api/v1/contacts/")

    assert response.status_code == 200
    emails = {row["email"] for row in response.json()["results"]}
    assert emails == set(Contact.objects.filter(organisation=world.alpha).values_list("email", flat=True))


def test_an_admin_creates_updates_and_deletes_a_contact(world, api_as) -> None:
    client = api_as(world.alan)
    response = client.post("/api/v1/contacts/", {"name": "Night shift", "email": "Night@Alpha.example", "kind": "list"})
    assert response.status_code == 201, response.json()
    contact_id = response.json()["id"]
    assert Contact.objects.get(pk=contact_id).email == "night@alpha.example"

    response = client.patch(f"/api/v1/contacts/{contact_id}/", {"phone": "+1 555 0100"})
    assert response.status_code == 200
    assert response.json()["phone"] == "+1 555 0100"

    assert client.delete(f"/api/v1/contacts/{contact_id}/").status_code == 204
    assert not Contact.objects.filter(pk=contact_id).exists()


def test_a_second_registered_emergency_contact_is_a_clear_400(world, api_as) -> None:
    client = api_as(world.alan)
    before = Contact.objects.count()

    response = client.post("/api/v1/contacts/", {"name": "Another", "email": "another@alpha.example", "emergency_role": "registered"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "there is exactly one" in str(error["fields"]["emergency_role"])
    assert Contact.objects.count() == before

    response = client.post("/api/v1/contacts/", {"name": "Dup", "email": world.alpha.registered_emergency_contact.email})
    assert response.status_code == 400
    assert Contact.objects.count() == before


def test_another_organisations_contact_is_404(world, api_as) -> None:
    theirs = Contact.objects.filter(organisation=world.outsider).first()
    client = api_as(world.alan)
    assert client.get(f"/api/v1/contacts/{theirs.pk}/").status_code == 404
    assert client.patch(f"/api/v1/contacts/{theirs.pk}/", {"name": "Mine now"}).status_code == 404
    assert client.delete(f"/api/v1/contacts/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name != "Mine now"


def test_a_contact_who_requested_tickets_cannot_be_deleted(world, api_as) -> None:
    from tests.factories import TicketFactory

    contact = Contact.objects.get(organisation=world.alpha, emergency_role=Contact.EmergencyRole.ADDITIONAL)
    TicketFactory(organisation=world.alpha, requester_contact=contact)

    response = api_as(world.alan).delete(f"/api/v1/contacts/{contact.pk}/")

    assert response.status_code == 400
    assert "requested tickets" in response.json()["error"]["message"] + str(response.json()["error"]["fields"])
    assert Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize("name", ["Night shift\r\nBcc: everyone@evil.example", "Night\nshift", "Night\x1bshift", "Night\u2028shift"])
def test_a_contact_name_with_a_line_break_is_refused_and_changes_nothing(world, api_as, name) -> None:
    client = api_as(world.alan)
    contact = Contact.objects.filter(organisation=world.alpha).first()
    before = (Contact.objects.count(), contact.name)

    created = client.post("/api/v1/contacts/", {"name": name, "email": "night@alpha.example", "kind": "list"})
    renamed = client.patch(f"/api/v1/contacts/{contact.pk}/", {"name": name})

    message = "Write the name on one line, without line breaks or control characters."
    for response in (created, renamed):
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["name"] == [message]
    contact.refresh_from_db()
    assert (Contact.objects.count(), contact.name) == before
