"""My requests, the ticket page, files, organisation admin pages and the public help page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import AccessGrant, Contact
from notifications.models import OutboundEmail
from portal.tests.conftest import PNG
from tests.factories import AccessGrantFactory, AttachmentFactory, TicketFactory, UserFactory
from tickets.models import Ticket
from tickets.workflow import comment_add, ticket_assign, ticket_status_change

pytestmark = pytest.mark.django_db


def test_my_requests_are_those_i_requested_or_am_copied_on(alice_client, world):
    contact = Contact.objects.create(organisation=world.alpha, name="Alice", email=world.alice.email, user=world.alice)
    copied = TicketFactory(organisation=world.alpha, requester_user=world.alan, summary="Alan's, Alice in copy")
    copied.cc_contacts.add(contact)
    TicketFactory(organisation=world.alpha, requester_user=world.alan, summary="Alan's alone")
    body = alice_client.get("/portal/").content.decode()
    assert "Alpha checkout is slow" in body and "Alan&#x27;s, Alice in copy" in body
    assert "Alan&#x27;s alone" not in body
    assert "Whole organisation" not in body
    assert "Alan&#x27;s alone" not in alice_client.get("/portal/?scope=organisation").content.decode()


def test_organisation_admins_can_see_all_of_the_organisations_requests(client, world):
    client.force_login(world.alan)
    assert "Alpha checkout is slow" not in client.get("/portal/").content.decode()
    body = client.get("/portal/?scope=organisation").content.decode()
    assert "Alpha checkout is slow" in body and "CANARY" not in body


def test_filters_and_search(alice_client, world):
    TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Prod down", type_slug="production-issue", severity=1)
    resolved = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Old question")
    ticket_status_change(ticket=resolved, actor=world.agent, status=Ticket.Status.RESOLVED)

    def summaries(query: str) -> set[str]:
        body = alice_client.get(f"/portal/?{query}").content.decode()
        return {s for s in ("Prod down", "Old question", "Alpha checkout is slow") if s in body}

    assert summaries("status=resolved") == {"Old question"}
    assert summaries("severity=1") == {"Prod down"}
    production = world.alpha.tickets.get(summary="Prod down")
    assert summaries(f"ticket_type={production.ticket_type_id}") == {"Prod down"}
    assert summaries("q=checkout") == {"Alpha checkout is slow"}
    assert summaries(f"q=SD-{resolved.number}") == {"Old question"}
    assert summaries(f"q={resolved.number}") == {"Old question"}
    assert "No requests match" in alice_client.get("/portal/?q=nothing-like-this").content.decode()


def _list_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/portal/?scope=organisation").status_code == 200
    return len(queries)


def test_the_request_list_costs_the_same_queries_for_10_and_100_tickets(client, world):
    client.force_login(world.alan)
    for n in range(9):
        TicketFactory(organisation=world.alpha, requester_user=world.alice, summary=f"T{n}", type_slug="production-issue", severity=2)
    _list_queries(client)  # the first view keeps the incident banner's answer for the next ones
    ten = _list_queries(client)
    # Session, user, membership with its organisation, count, page, and the filter's types and severities.
    assert ten == 7
    for n in range(90):
        TicketFactory(organisation=world.alpha, requester_user=world.alan, summary=f"U{n}", severity=3)
    assert world.alpha.tickets.count() == 100
    assert _list_queries(client) == ten


def test_my_own_list_also_costs_the_same_queries_for_10_and_100_tickets(alice_client, world):
    contact = Contact.objects.create(organisation=world.alpha, name="Alice", email=world.alice.email, user=world.alice)
    for n in range(9):
        TicketFactory(organisation=world.alpha, requester_user=world.alice, summary=f"T{n}", severity=2)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get("/portal/").status_code == 200
        return len(captured)

    queries()  # the first view keeps the incident banner's answer for the next ones
    ten = queries()
    assert ten == 7
    for n in range(90):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alan, summary=f"C{n}", severity=3)
        ticket.cc_contacts.add(contact)
    assert "100 requests" in alice_client.get("/portal/").content.decode()
    assert queries() == ten


def test_someone_with_no_requests_sees_an_invitation_not_an_empty_filter_bar(client, world):
    client.force_login(UserFactory(email="newbie@alpha.example", organisation=world.alpha))
    body = client.get("/portal/").content.decode()
    assert "No requests yet" in body and 'href="/portal/new/"' in body
    assert 'role="search"' not in body


def test_a_search_that_finds_nothing_offers_to_clear_it(alice_client):
    body = alice_client.get("/portal/?q=nothing-like-this").content.decode()
    assert "No requests match" in body
    assert 'role="search"' in body and 'value="nothing-like-this"' in body
    assert '<a class="button" href="/portal/">Clear the filters</a>' in body


def test_ticket_page_shows_the_public_story_but_never_internal_notes(alice_client, world):
    ticket = world.alice_ticket
    comment_add(ticket=ticket, author=world.agent, body="INTERNAL-ONLY suspect the cache", is_internal=True)
    comment_add(ticket=ticket, author=world.agent, body="We are looking into it.")
    AttachmentFactory(ticket=ticket, uploaded_by=world.alice, name="screen.png", content=PNG)
    body = alice_client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "We are looking into it." in body
    assert "INTERNAL-ONLY" not in body
    assert "screen.png" in body and "?preview=1" in body
    assert "attached screen.png" in body
    assert "filed the request" in body


def test_customer_comment_goes_through_the_workflow_and_tells_the_assignee(alice_client, world):
    ticket = world.alice_ticket
    ticket_assign(ticket=ticket, actor=world.agent, assignee=world.agent)
    response = alice_client.post(f"/portal/tickets/{ticket.number}/", {"body": "It happens again at 10:00."})
    assert response.status_code == 302
    assert ticket.comments.get().body == "It happens again at 10:00."
    assert ticket.events.filter(kind="commented").exists()
    mail = OutboundEmail.objects.get(event_key__startswith="ticket-comment:")
    assert mail.recipient == world.agent.email and "It happens again at 10:00." in mail.body_text


def test_an_empty_comment_shows_an_error_and_saves_nothing(alice_client, world):
    response = alice_client.post(f"/portal/tickets/{world.alice_ticket.number}/", {"body": "  "})
    assert response.status_code == 400
    assert "Write a comment or choose a file." in response.content.decode()
    assert not world.alice_ticket.comments.exists()


def test_agent_public_reply_reaches_requester_and_copies_but_a_note_does_not(world):
    ticket = world.alice_ticket
    ticket.cc_contacts.add(world.alpha.contacts.first())
    comment_add(ticket=ticket, author=world.agent, body="Internal", is_internal=True)
    assert not OutboundEmail.objects.filter(event_key__startswith="ticket-reply:").exists()
    reply = comment_add(ticket=ticket, author=world.agent, body="Fixed in 5.2")
    recipients = set(OutboundEmail.objects.filter(event_key=f"ticket-reply:{reply.pk}").values_list("recipient", flat=True))
    assert recipients == {world.alice.email, world.alpha.contacts.first().email}


def test_attachments_are_served_as_downloads_with_nosniff(alice_client, world):
    html = AttachmentFactory(
        ticket=world.alice_ticket, uploaded_by=world.alice, name="page.html", content=b"<script>alert(1)</script>"
    )
    response = alice_client.get(f"/portal/tickets/{world.alice_ticket.number}/files/{html.pk}/?preview=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;") and 'filename="page.html"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_images_preview_inline_only_when_they_really_are_images(alice_client, world):
    real = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="shot.png", content=PNG)
    fake = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="fake.png", content=b"<svg/>")
    base = f"/portal/tickets/{world.alice_ticket.number}/files"
    response = alice_client.get(f"{base}/{real.pk}/?preview=1")
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")
    assert alice_client.get(f"{base}/{real.pk}/")["Content-Disposition"].startswith("attachment")
    response = alice_client.get(f"{base}/{fake.pk}/?preview=1")
    assert response["Content-Type"] == "application/octet-stream" and response["Content-Disposition"].startswith("attachment")


def test_files_are_stored_outside_the_web_root_with_their_digest(world, settings):
    import hashlib
    from pathlib import Path

    attachment = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="a.txt", content=b"abc")
    path = Path(attachment.file.path)
    assert str(path).startswith(str(settings.MEDIA_ROOT)) and path.name != "a.txt"
    assert attachment.sha256 == hashlib.sha256(b"abc").hexdigest() and attachment.size == 3


def test_outsiders_get_404_for_tickets_and_files(client, world):
    client.force_login(world.charlie)
    attachment = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice)
    assert client.get(f"/portal/tickets/{world.alice_ticket.number}/").status_code == 404
    assert client.get(f"/portal/tickets/{world.alice_ticket.number}/files/{attachment.pk}/").status_code == 404
    # Their own ticket number with our file id: still 404.
    assert client.get(f"/portal/tickets/{world.outsider_ticket.number}/files/{attachment.pk}/").status_code == 404


def test_agents_download_through_the_same_checked_view(client, world):
    attachment = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice)
    client.force_login(world.agent)
    assert client.get(f"/portal/tickets/{world.alice_ticket.number}/files/{attachment.pk}/").status_code == 200


# --- Organisation admins -------------------------------------------------------------


def test_the_overview_lists_the_registered_emergency_contact_first(client, world):
    client.force_login(world.alan)
    body = client.get("/portal/organisation/").content.decode()
    section = body[body.index("Emergency contacts") : body.index("Manage contacts")]
    registered = world.alpha.contacts.get(emergency_role=Contact.EmergencyRole.REGISTERED)
    additional = world.alpha.contacts.get(emergency_role=Contact.EmergencyRole.ADDITIONAL)
    assert section.index(registered.name) < section.index(additional.name)


def test_only_organisation_admins_manage_the_organisation(alice_client):
    for path in ("/portal/organisation/", "/portal/organisation/contacts/", "/portal/organisation/access/"):
        assert alice_client.get(path).status_code == 404


def test_a_second_registered_emergency_contact_is_a_form_error(client, world):
    client.force_login(world.alan)
    response = client.post(
        "/portal/organisation/contacts/new/",
        {
            "kind": "person",
            "name": "Rita",
            "email": "rita@alpha.example",
            "language": "en",
            "emergency_role": "registered",
            "emergency_order": "0",
        },
    )
    assert response.status_code == 400
    assert "is already the registered emergency contact" in response.content.decode()
    assert not Contact.objects.filter(email="rita@alpha.example").exists()


def test_a_duplicate_email_is_a_form_error(client, world):
    client.force_login(world.alan)
    existing = world.alpha.contacts.first()
    response = client.post(
        "/portal/organisation/contacts/new/",
        {
            "kind": "person",
            "name": "Dup",
            "email": existing.email,
            "language": "en",
            "emergency_role": "",
            "emergency_order": "0",
        },
    )
    assert response.status_code == 400
    assert "already has a contact with this email address" in response.content.decode()


def test_handing_over_the_registered_role_keeps_exactly_one(client, world):
    client.force_login(world.alan)
    client.post(
        "/portal/organisation/contacts/new/",
        {
            "kind": "list",
            "name": "Night shift",
            "email": "night@alpha.example",
            "language": "en",
            "emergency_role": "additional",
            "emergency_order": "2",
        },
    )
    night = Contact.objects.get(email="night@alpha.example")
    previous = world.alpha.registered_emergency_contact
    assert client.post(f"/portal/organisation/contacts/{night.pk}/register/").status_code == 302
    assert world.alpha.registered_emergency_contact == night
    previous.refresh_from_db()
    assert previous.emergency_role == Contact.EmergencyRole.ADDITIONAL
    response = client.post(f"/portal/organisation/contacts/{night.pk}/delete/", follow=True)
    assert "cannot be removed" in response.content.decode()
    assert Contact.objects.filter(pk=night.pk).exists()


def test_demoting_the_registered_contact_is_refused(client, world):
    client.force_login(world.alan)
    registered = world.alpha.registered_emergency_contact
    response = client.post(
        f"/portal/organisation/contacts/{registered.pk}/",
        {
            "kind": "person",
            "name": registered.name,
            "email": registered.email,
            "language": "en",
            "emergency_role": "additional",
            "emergency_order": "1",
        },
    )
    assert response.status_code == 400
    assert "There must always be a registered emergency contact" in response.content.decode()


def test_admin_grants_elevated_access_and_agents_see_it(client, world):
    client.force_login(world.alan)
    from datetime import UTC, timedelta

    from django.utils import timezone

    live1 = world.alpha.environments.get(name="live1")
    now = timezone.now().astimezone(UTC)
    response = client.post(
        "/portal/organisation/access/",
        {
            "environment": str(live1.pk),
            "level": "elevated",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Fix the pick workflow on SD-1001",
        },
    )
    assert response.status_code == 302, response.content.decode()
    grant = AccessGrant.objects.get(organisation=world.alpha)
    assert grant.granted_by == world.alan and grant.level == "elevated"

    agent = client.__class__()
    agent.force_login(world.agent)
    body = agent.get(f"/desk/tickets/{world.alice_ticket.number}/").content.decode()
    assert "Access granted by the customer" in body and "Fix the pick workflow" in body
    assert "CANARY-outsider grant" not in body

    assert client.post(f"/portal/organisation/access/{grant.pk}/revoke/").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == world.alan and grant.revoked_at is not None


def test_a_grant_window_must_make_sense(client, world):
    client.force_login(world.alan)
    live1 = world.alpha.environments.get(name="live1")
    response = client.post(
        "/portal/organisation/access/",
        {
            "environment": str(live1.pk),
            "level": "elevated",
            "starts_at": "2026-11-20T12:00",
            "ends_at": "2026-11-20T08:00",
            "reason": "x",
        },
    )
    assert response.status_code == 400 and "The end must come after the start." in response.content.decode()
    assert not AccessGrant.objects.filter(organisation=world.alpha).exists()


def test_only_org_admins_may_grant_even_through_the_service(world):
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from customers.access import access_grant_create

    with pytest.raises(PermissionDenied):
        access_grant_create(
            organisation=world.alpha,
            environment=world.alpha.environments.first(),
            level="elevated",
            starts_at=timezone.now(),
            ends_at=timezone.now() + timezone.timedelta(hours=1),
            reason="x",
            granted_by=world.alice,
        )
    AccessGrantFactory(organisation=world.alpha, granted_by=world.alan)  # the model itself does not care who


def test_help_page_is_public_and_holds_no_customer_data(client, world):
    response = client.get("/help/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "The service is completely down or inaccessible" in body
    assert "pipeline key" in body.lower() and "What we can help with" in body
    assert "CANARY" not in body and "Alpha" not in body
    assert 'href="/help/"' in client.get("/accounts/login/").content.decode()
    assert '<a href="/status/">current incidents and maintenance</a>' in body


def test_a_stray_customer_without_organisation_gets_404_not_500(client, world):
    stray = UserFactory(email="stray@nowhere.example")
    client.force_login(stray)
    assert client.get("/portal/").status_code == 200
    assert client.get("/portal/new/?type=production-issue").status_code == 404


def test_the_people_page_lists_the_organisation_only_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    from tests.factories import UserFactory

    for n in range(5):
        UserFactory(email=f"p{n}@alpha.example", organisation=world.alpha)
    client.force_login(world.alan)
    with django_assert_max_num_queries(12):
        page = client.get("/portal/organisation/people/").content.decode()
    assert "p4@alpha.example" in page and "charlie@outsider.example" not in page
    client.force_login(world.alice)
    assert client.get("/portal/organisation/people/").status_code == 404
    assert client.post(f"/portal/organisation/people/{world.charlie.pk}/revoke/").status_code == 404


def test_an_invitation_to_an_address_with_a_login_is_refused(client, world):
    client.force_login(world.alan)
    response = client.post("/portal/organisation/people/", {"email": "charlie@outsider.example", "full_name": "C", "role": "customer"})
    assert response.status_code == 400
    assert "already has a login" in response.content.decode()


def test_the_sign_in_page_the_portal_header_and_the_new_request_page_link_to_the_status_page(client, world):
    assert 'href="/status/"' in client.get("/accounts/login/").content.decode()
    status_page = client.get("/status/").content.decode()
    assert '<a class="brand" href="/status/">' in status_page, "the public's brand link is not a sign-in form"
    assert '<a class="brand" href="/help/">' in client.get("/help/").content.decode()
    client.force_login(world.alice)
    for url in ("/portal/", "/portal/new/", "/portal/new/?type=production-issue"):
        page = client.get(url).content.decode()
        assert 'href="/status/"' in page, url
    assert "check the status page" in client.get("/portal/new/").content.decode()


def test_removing_an_emergency_contact_asks_first_naming_it_and_what_stops(client, world):
    client.force_login(world.alan)
    night = Contact.objects.create(
        organisation=world.alpha,
        name="Night shift",
        email="night@alpha.example",
        kind="list",
        emergency_role="additional",
        emergency_order=2,
    )
    world.alice_ticket.cc_contacts.add(night)
    listing = client.get("/portal/organisation/contacts/").content.decode()
    assert f'href="/portal/organisation/contacts/{night.pk}/delete/"' in listing, "Remove leads to a question, not a removal"

    asked = client.get(f"/portal/organisation/contacts/{night.pk}/delete/")
    page = asked.content.decode()
    assert asked.status_code == 200 and "Remove Night shift?" in page and "night@alpha.example" in page
    assert "no longer copied on our alerts and warnings" in page
    assert "leaves the copy of the 1 request it is copied on" in page
    assert Contact.objects.filter(pk=night.pk).exists(), "asking removes nothing"

    response = client.post(f"/portal/organisation/contacts/{night.pk}/delete/", follow=True)
    assert "Night shift was removed." in response.content.decode()
    assert not Contact.objects.filter(pk=night.pk).exists()
    assert not world.alice_ticket.cc_contacts.exists()


def test_the_registered_emergency_contact_is_not_offered_for_removal(client, world):
    client.force_login(world.alan)
    registered = world.alpha.registered_emergency_contact
    page = client.get(f"/portal/organisation/contacts/{registered.pk}/delete/").content.decode()
    assert "cannot be removed" in page and 'type="submit">Remove' not in page
    client.force_login(world.alice)  # not an organisation admin
    assert client.get(f"/portal/organisation/contacts/{registered.pk}/delete/").status_code == 404


@pytest.mark.parametrize(
    "url, status",
    [
        ("/accounts/login/", 200),
        ("/accounts/password/reset/", 200),
        ("/accounts/password/reset/sent/", 200),
        ("/no-such-page/", 404),
        ("/status/no-such-page/", 404),
    ],
)
def test_the_brand_link_of_public_pages_leads_to_help_or_the_status_page_never_to_sign_in(client, url, status):
    response = client.get(url)
    assert response.status_code == status, url
    page = response.content.decode()
    assert '<a class="brand" href="/help/">' in page or '<a class="brand" href="/status/">' in page, url


def test_a_renamed_field_shows_its_new_label_on_the_ticket_page_at_once(alice_client, world):
    ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, type_slug="production-issue", severity=2)
    field = next(f for f in ticket.ticket_type.fields.all() if ticket.details.get(f.key) not in (None, "", []))
    url = f"/portal/tickets/{ticket.number}/"
    assert f"<dt>{field.label}</dt>" in alice_client.get(url).content.decode()
    field.label = "Renamed by the admin"
    field.save()
    assert "<dt>Renamed by the admin</dt>" in alice_client.get(url).content.decode()
    field.delete()
    assert "Renamed by the admin" not in alice_client.get(url).content.decode()
