"""Filing requests in the portal: the generated form, severity help, justification, files, mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine

from notifications.models import OutboundEmail
from portal.tests.conftest import PNG, production_issue_post, upload
from tests.factories import TicketFactory
from tickets.models import Attachment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_the_type_cards_list_what_customers_may_file(alice_client):
    body = alice_client.get("/portal/new/").content.decode()
    for name in (
        "Production issue",
        "Sandbox issue",
        "Request new support user",
        "Information security request",
        "Data privacy request",
        "Development question",
        "Incident",
    ):
        assert name in body
    assert "Proactive alert" not in body


def test_each_type_form_renders_its_fields(alice_client):
    for slug, label in [
        ("production-issue", "Platform issue justification"),
        ("incident", "Pipeline key"),
        ("development-question", "Integration logic"),
        ("data-privacy", "Data subject reference"),
    ]:
        response = alice_client.get(f"/portal/new/?type={slug}")
        assert response.status_code == 200
        assert label in response.content.decode()


def test_severity_choice_shows_each_definition(alice_client):
    body = alice_client.get("/portal/new/?type=production-issue").content.decode()
    assert "The service is completely down or inaccessible" in body
    assert "Help me choose" in body


def test_a_valid_production_issue_is_filed_with_files_and_mail(alice_client, world):
    cc = world.alpha.contacts.get(email__startswith="ops-list")
    data = production_issue_post(world, cc_contacts=[str(cc.pk)])
    data["attachments"] = [upload("audit.txt"), upload("screen.png", PNG, "image/png")]
    response = alice_client.post("/portal/new/", data)

    ticket = Ticket.objects.exclude(pk=world.alice_ticket.pk).get(organisation=world.alpha)
    assert response.status_code == 302 and response["Location"] == f"/portal/tickets/{ticket.number}/"
    assert ticket.requester_user == world.alice
    assert ticket.severity_id == 2 and ticket.environment.name == "live1"
    assert ticket.status == Ticket.Status.NEW
    assert ticket.details["retailer_ids"] == ["R1", "R2"]
    assert ticket.details["issue_start"] == "2026-11-20T09:10:00+00:00"
    assert ticket.details["impacted_orders"] == {"orders": ["ORD-1", "ORD-2"], "scope": "examples", "estimated_total": 250}
    assert list(ticket.cc_contacts.all()) == [cc]
    names = sorted(ticket.attachments.values_list("original_name", flat=True))
    assert names == ["audit.txt", "screen.png"]
    assert ticket.attachments.get(original_name="screen.png").content_type == "image/png"
    assert ticket.events.filter(kind=TicketEvent.Kind.ATTACHMENT).count() == 2
    mail = OutboundEmail.objects.filter(event_key=f"ticket-created:{ticket.number}")
    assert sorted(mail.values_list("recipient", flat=True)) == sorted([world.alice.email, cc.email])
    mine = mail.get(recipient=world.alice.email)
    assert ticket.reference in mine.subject and f"/portal/tickets/{ticket.number}/" in mine.body_text


def test_issue_times_are_utc_whatever_the_customers_timezone(alice_client, world):
    world.alice.timezone = "Asia/Tokyo"
    world.alice.save()
    alice_client.post("/portal/new/", production_issue_post(world, detail_issue_start="2026-11-20T23:30"))
    ticket = Ticket.objects.get(summary="Orders stuck in AWAITING_PICK")
    assert ticket.details["issue_start"] == "2026-11-20T23:30:00+00:00"
    body = alice_client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "20 Nov 2026 23:30 UTC" in body and "21 Nov 2026 08:30" in body


def test_a_typed_utc_time_is_shown_in_the_customers_own_time_without_script(alice_client, world):
    world.alice.timezone = "Asia/Tokyo"
    world.alice.save()
    response = alice_client.post(
        "/portal/new/",
        production_issue_post(
            world,
            summary="",
            detail_issue_start="2026-11-20T23:30",
        ),
    )
    assert response.status_code == 400
    hint = re.search(r'<p class="help local-time" data-local-for="id_detail_issue_start"[^>]*>([^<]*)</p>', response.content.decode())
    assert hint and hint.group(1) == "That is Sat 21 Nov 2026 08:30 your time (Asia/Tokyo)."


@time_machine.travel(datetime(2026, 11, 20, 12, 5, tzinfo=UTC), tick=False)
def test_an_empty_utc_field_says_what_time_it_is_in_utc_and_locally(alice_client, world):
    world.alice.timezone = "America/Sao_Paulo"
    world.alice.save()
    body = alice_client.get("/portal/new/?type=production-issue").content.decode()
    assert "It is now 12:05 UTC, 09:05 your time (America/Sao_Paulo)." in body


def test_a_viewer_in_utc_is_not_told_the_same_time_twice(alice_client, world):
    ticket = TicketFactory(
        organisation=world.alpha,
        requester_user=world.alice,
        type_slug="production-issue",
        severity=2,
        details={"issue_start": "2026-11-20T09:00:00+00:00"},
    )
    body = alice_client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert body.count("20 Nov 2026 09:00") == 1


def test_invalid_input_shows_errors_beside_the_fields_and_saves_nothing(alice_client, world):
    before = (Ticket.objects.count(), Attachment.objects.count(), OutboundEmail.objects.count())
    data = production_issue_post(
        world,
        summary="",
        detail_retailer_ids="R1, NOT-OURS",
        detail_issue_type="",
        detail_issue_start="yesterday",
        detail_impacted_orders_2="",
    )
    data["attachments"] = [upload("ok.txt")]
    response = alice_client.post("/portal/new/", data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was filed" in body
    assert "Not ids of your account: NOT-OURS" in body
    assert "Enter a valid date/time." in body
    assert "estimate how many orders are impacted in total" in body
    assert body.count('class="error"') >= 4
    assert (Ticket.objects.count(), Attachment.objects.count(), OutboundEmail.objects.count()) == before


def test_the_end_cannot_precede_the_start(alice_client, world):
    response = alice_client.post(
        "/portal/new/",
        production_issue_post(
            world,
            detail_issue_start="2026-11-20T10:00",
            detail_issue_end="2026-11-20T09:00",
        ),
    )
    assert response.status_code == 400
    assert "The end cannot be before the start." in response.content.decode()


def test_the_account_id_counts_as_one_of_the_organisations_ids(alice_client, world):
    alice_client.post("/portal/new/", production_issue_post(world, detail_retailer_ids="ALPHA"))
    assert Ticket.objects.get(summary="Orders stuck in AWAITING_PICK").details["retailer_ids"] == ["ALPHA"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("tool.exe", b"MZ\x90\x00rest", "programs and scripts cannot be attached"),
        ("notes.txt", b"#!/bin/sh\nrm -rf /\n", "programs and scripts cannot be attached"),
        ("deploy.ps1", b"Write-Host hi", "programs and scripts cannot be attached"),
    ],
)
def test_dangerous_files_are_refused_with_a_message(alice_client, world, name, content, message):
    data = production_issue_post(world)
    data["attachments"] = [upload("fine.txt"), upload(name, content, "application/octet-stream")]
    response = alice_client.post("/portal/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Ticket.objects.filter(summary="Orders stuck in AWAITING_PICK").exists()
    assert not Attachment.objects.exclude(ticket=world.outsider_ticket).exists()


def test_an_oversized_file_is_refused_with_a_message(alice_client, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    data = production_issue_post(world)
    data["attachments"] = [upload("big.log", b"x" * 2048)]
    response = alice_client.post("/portal/new/", data)
    assert response.status_code == 400
    assert "“big.log” is 2.0\xa0KB; files can be at most 1.0\xa0KB." in response.content.decode()
    assert not Ticket.objects.filter(summary="Orders stuck in AWAITING_PICK").exists()


def test_a_complete_list_of_impacted_orders_counts_itself(alice_client, world):
    alice_client.post(
        "/portal/new/",
        production_issue_post(
            world,
            detail_impacted_orders_0="ORD-1, ORD-2\nORD-3",
            detail_impacted_orders_1="complete",
            detail_impacted_orders_2="",
        ),
    )
    ticket = Ticket.objects.get(summary="Orders stuck in AWAITING_PICK")
    assert ticket.details["impacted_orders"] == {
        "orders": ["ORD-1", "ORD-2", "ORD-3"],
        "scope": "complete",
        "estimated_total": 3,
    }
    assert "(complete list)" in alice_client.get(f"/portal/tickets/{ticket.number}/").content.decode()


def test_examples_of_impacted_orders_show_their_estimated_total_on_the_ticket(alice_client, world):
    alice_client.post("/portal/new/", production_issue_post(world))
    ticket = Ticket.objects.get(summary="Orders stuck in AWAITING_PICK")
    body = alice_client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "<code>ORD-1</code>, <code>ORD-2</code>" in body and "(examples; about 250 impacted in total)" in body


def test_an_estimate_below_the_examples_listed_is_refused_beside_the_field(alice_client, world):
    response = alice_client.post(
        "/portal/new/",
        production_issue_post(
            world,
            detail_impacted_orders_0="A\nB\nC",
            detail_impacted_orders_1="examples",
            detail_impacted_orders_2="2",
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    start = body.index('<div class="field has-error">\n  <label for="id_detail_impacted_orders_0">Orders impacted</label>')
    field = body[start : body.index('<div class="field', start + 1)]
    assert "cannot be less than the 3 examples listed" in field
    assert not Ticket.objects.filter(summary="Orders stuck in AWAITING_PICK").exists()


def test_a_disallowed_file_on_a_comment_is_refused_and_nothing_is_added(alice_client, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    ticket = world.alice_ticket
    for upload_ in (upload("big.log", b"x" * 2048), upload("tool.exe", b"MZ\x90\x00rest", "application/octet-stream")):
        response = alice_client.post(f"/portal/tickets/{ticket.number}/", {"body": "Here it is", "attachments": [upload_]})
        assert response.status_code == 400
        body = response.content.decode()
        assert "files can be at most 1.0\xa0KB" in body or "programs and scripts cannot be attached" in body
    assert not ticket.comments.exists() and not ticket.attachments.exists()


def test_missing_justification_is_accepted_and_sent_straight_back(alice_client, world):
    response = alice_client.post("/portal/new/", production_issue_post(world, detail_platform_justification=""))
    ticket = Ticket.objects.get(summary="Orders stuck in AWAITING_PICK")
    assert response.status_code == 302
    assert ticket.status == Ticket.Status.WAITING_ON_CUSTOMER
    assert ticket.acknowledged_at is None
    sent_back = ticket.events.get(kind=TicketEvent.Kind.SENT_BACK)
    assert sent_back.actor is None and sent_back.actor_label == "Supportdesk"
    assert "platform issue" in sent_back.comment.body
    asking = OutboundEmail.objects.get(event_key=f"ticket-reply:{sent_back.comment_id}")
    assert asking.recipient == world.alice.email and "Information needed" in asking.subject
    page = alice_client.get(response["Location"]).content.decode()
    assert "We need your platform issue justification." in page

    alice_client.post(response["Location"], {"body": "Same rule works in sandbox; only live1 fails."})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_a_sandbox_issue_needs_no_justification(alice_client, world):
    test1 = world.alpha.environments.get(name="test1")
    alice_client.post(
        "/portal/new/",
        production_issue_post(
            world,
            type="sandbox-issue",
            environment=str(test1.pk),
            detail_platform_justification="",
        ),
    )
    assert Ticket.objects.get(summary="Orders stuck in AWAITING_PICK").status == Ticket.Status.NEW


def test_environment_choices_are_the_organisations_own(alice_client, world):
    outsider_env = world.outsider.environments.get(name="live1")
    response = alice_client.post("/portal/new/", production_issue_post(world, environment=str(outsider_env.pk)))
    assert response.status_code == 400
    assert not Ticket.objects.filter(summary="Orders stuck in AWAITING_PICK").exists()


def test_cc_contacts_are_the_organisations_own(alice_client, world):
    theirs = world.outsider.contacts.first()
    response = alice_client.post("/portal/new/", production_issue_post(world, cc_contacts=[str(theirs.pk)]))
    assert response.status_code == 400
    assert "CANARY" not in response.content.decode()


def test_help_me_choose_works_without_javascript_and_keeps_the_answers(alice_client, world):
    data = production_issue_post(world, severity="", summary="Typed so far")
    data.update({"suggest": "1", "helper-environment": "production", "helper-impact": "total", "helper-workaround": "no"})
    response = alice_client.post("/portal/new/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Suggested severity: <strong>Critical</strong>" in body
    assert 'value="1" required id="id_severity_0" checked' in body or ('value="1"' in body and "checked" in body)
    assert 'value="Typed so far"' in body
    assert 'class="error"' not in body
    assert not Ticket.objects.filter(summary="Typed so far").exists()


def test_help_me_choose_answers_the_script_too(alice_client):
    response = alice_client.get(
        "/portal/new/severity/",
        {
            "helper-environment": "test",
            "helper-impact": "total",
            "helper-workaround": "no",
        },
    )
    assert response.json()["level"] == 3 and response.json()["name"] == "Medium"


def test_new_support_user_request_from_the_organisation_page(client, world):
    client.force_login(world.alan)
    assert "?type=new-support-user" in client.get("/portal/organisation/").content.decode()
    response = client.post(
        "/portal/new/",
        {
            "type": "new-support-user",
            "summary": "Access for our new ops lead",
            "description": "Starts Monday.",
            "detail_user_name": "Olga Ops",
            "detail_user_email": "olga@alpha.example",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(summary="Access for our new ops lead")
    assert ticket.ticket_type.slug == "new-support-user"
    assert ticket.details == {"user_name": "Olga Ops", "user_email": "olga@alpha.example", "user_is_admin": False}
