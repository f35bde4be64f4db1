"""Data privacy requests: export one contact's or organisation's data; erase a contact."""

from __future__ import annotations

import json

import pytest

from customers.models import Contact
from notifications.models import OutboundEmail
from notifications.services import Email, email_queue
from retention.privacy import contact_erase
from tickets.workflow import comment_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def nadia(world):  # type: ignore[no-untyped-def]
    contact = Contact.objects.create(
        organisation=world.alpha,
        name="Nadia Novak",
        email="nadia@alpha.example",
        phone="+1 555 0199",
    )
    world.alice_ticket.cc_contacts.add(contact)
    comment_add(ticket=world.alice_ticket, author=None, author_label="Nadia Novak", body="Orders 17 and 18 fail too.")
    email_queue(
        event_key="ticket-created:1",
        email=Email(recipient="nadia@alpha.example", subject="Copy", body_text="Hello Nadia Novak, a copy of SD-1 for you."),
    )
    return contact


def admin_action(client, world, url: str, action: str, ids: list[int], **extra):  # type: ignore[no-untyped-def]
    client.force_login(world.admin)
    return client.post(url, {"action": action, "_selected_action": ids, **extra})


def test_an_organisation_export_holds_its_data_and_nobody_elses(client, world, nadia):
    response = admin_action(client, world, "/admin/customers/organisation/", "export_data", [world.alpha.pk])
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="organisation-ALPHA.json"'
    data = json.loads(response.content)
    assert data["organisation"]["account_id"] == "ALPHA"
    assert "nadia@alpha.example" in {c["email"] for c in data["contacts"]}
    assert {t["reference"] for t in data["tickets"]} == {world.alice_ticket.reference}
    assert "Orders 17 and 18 fail too." in response.content.decode()
    assert "CANARY-outsider" not in response.content.decode()
    assert "charlie@outsider.example" not in response.content.decode()


def test_a_contact_export_lists_their_tickets_and_the_mail_sent_to_them(client, world, nadia):
    response = admin_action(client, world, "/admin/customers/contact/", "export_data", [nadia.pk])
    data = json.loads(response.content)
    assert data["contact"]["email"] == "nadia@alpha.example"
    assert [t["reference"] for t in data["tickets"]] == [world.alice_ticket.reference]
    assert [e["subject"] for e in data["emails"]] == ["Copy"]


def test_internal_notes_are_not_exported(client, world, nadia):
    comment_add(ticket=world.alice_ticket, author=world.agent, body="Internal: customer is difficult", is_internal=True)
    response = admin_action(client, world, "/admin/customers/organisation/", "export_data", [world.alpha.pk])
    assert "customer is difficult" not in response.content.decode()


def test_erasing_asks_first_and_then_pseudonymises_keeping_the_tickets(client, world, nadia):
    confirm = admin_action(client, world, "/admin/customers/contact/", "erase_personal_data", [nadia.pk])
    assert confirm.status_code == 200 and b"Yes, erase" in confirm.content
    nadia.refresh_from_db()
    assert nadia.name == "Nadia Novak", "nothing is erased before the confirmation"

    admin_action(client, world, "/admin/customers/contact/", "erase_personal_data", [nadia.pk], confirm="yes")
    nadia.refresh_from_db()
    assert nadia.name == f"Erased contact {nadia.pk}"
    assert nadia.email.endswith("@erased.invalid") and nadia.phone == ""
    assert world.alice_ticket.cc_contacts.filter(pk=nadia.pk).exists(), "the ticket keeps its (pseudonymised) copy"
    comment = world.alice_ticket.comments.get()
    assert comment.author_label == nadia.name and comment.body == "Orders 17 and 18 fail too."
    mail = OutboundEmail.objects.get(event_key="ticket-created:1")
    assert mail.recipient == nadia.email and "Nadia" not in mail.body_text


def test_erasing_a_contact_with_a_portal_account_closes_the_account(world):
    contact = Contact.objects.create(organisation=world.alpha, name="Alice Alpha", email=world.alice.email, user=world.alice)
    contact_erase(contact=contact)
    world.alice.refresh_from_db()
    assert world.alice.is_active is False
    assert world.alice.email.endswith("@erased.invalid")
    assert not world.alice.has_usable_password()


def test_erasing_leaves_other_organisations_untouched(world, nadia):
    outsider_contacts = list(Contact.objects.filter(organisation=world.outsider).values())
    contact_erase(contact=nadia)
    assert list(Contact.objects.filter(organisation=world.outsider).values()) == outsider_contacts
    world.outsider_ticket.refresh_from_db()
    assert world.outsider_ticket.summary == "CANARY-outsider-ticket"


@pytest.fixture
def consultant(world, nadia):  # type: ignore[no-untyped-def]
    """Nadia consults for Outsider too: the same address is also one of Outsider's contacts, with its own mail."""
    contact = Contact.objects.create(organisation=world.outsider, name="Nadia Novak", email="nadia@alpha.example")
    world.outsider_ticket.cc_contacts.add(contact)
    email_queue(
        event_key=f"ticket-created:{world.outsider_ticket.number}",
        email=Email(
            recipient="nadia@alpha.example",
            subject=f"{world.outsider_ticket.reference} CANARY-outsider-ticket",
            body_text="Hello Nadia Novak, Outsider filed CANARY-outsider-ticket.",
        ),
    )
    return contact


def _outsider_mail():  # type: ignore[no-untyped-def]
    return list(OutboundEmail.objects.exclude(recipient__startswith="erased").order_by("pk").values())


def test_erasing_a_contact_leaves_every_other_organisations_row_byte_identical(world, nadia, consultant):
    from tests.matrix import changed_tables, outsider_rows

    before, mail_before = outsider_rows(world), [m for m in _outsider_mail() if "Outsider" in m["body_text"]]
    contact_erase(contact=nadia)
    assert changed_tables(before, outsider_rows(world)) == []
    assert [m for m in _outsider_mail() if "Outsider" in m["body_text"]] == mail_before
    consultant.refresh_from_db()
    assert consultant.name == "Nadia Novak", "Outsider's own contact for the same person is Outsider's to erase"


def test_erasing_an_address_leaves_a_longer_address_that_contains_it_alone(world, nadia, consultant):
    joann = Contact.objects.create(organisation=world.alpha, name="Joann", email="joann@alpha.example")
    nadia.email, nadia.name = "ann@alpha.example", "Ann"
    nadia.save()
    email_queue(event_key="ticket-created:1", email=Email(recipient="ann@alpha.example", subject="For Ann", body_text="Ann."))
    email_queue(
        event_key="ticket-created:2",
        email=Email(
            recipient="ops@alpha.example",
            subject="For the ops list",
            body_text="Hello ops, Joann is copied.",
            cc=("joann@alpha.example",),
            header_to=("ops@alpha.example",),
            header_cc=("Joann <joann@alpha.example>",),
        ),
    )
    before = list(OutboundEmail.objects.filter(recipient="ops@alpha.example").values())
    contact_erase(contact=nadia)
    assert list(OutboundEmail.objects.filter(recipient="ops@alpha.example").values()) == before
    joann.refresh_from_db()
    assert joann.email == "joann@alpha.example"


def test_a_contact_export_holds_no_other_organisations_mail(client, world, nadia, consultant):
    response = admin_action(client, world, "/admin/customers/contact/", "export_data", [nadia.pk])
    assert "CANARY-outsider" not in response.content.decode()
    assert [e["subject"] for e in json.loads(response.content)["emails"]] == ["Copy"]


def test_an_organisation_export_holds_no_other_organisations_mail(client, world, nadia, consultant):
    response = admin_action(client, world, "/admin/customers/organisation/", "export_data", [world.alpha.pk])
    assert "CANARY-outsider" not in response.content.decode()


def test_an_organisation_export_leaves_the_outsider_untouched_and_names_none_of_it(client, world, nadia):
    from tests.matrix import changed_tables, outsider_rows

    before = outsider_rows(world)
    response = admin_action(client, world, "/admin/customers/organisation/", "export_data", [world.alpha.pk])
    body = response.content.decode()
    assert changed_tables(before, outsider_rows(world)) == []
    for canary in ("CANARY-outsider", world.outsider_ticket.reference, "outsider.example", world.outsider.account_id):
        assert canary not in body
