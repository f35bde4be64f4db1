from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from desk.models import CannedReply, TicketLink
from desk.services import presence_touch
from tests.factories import AttachmentFactory
from tickets.models import Ticket, TicketEvent
from tickets.workflow import comment_add

pytestmark = pytest.mark.django_db


def desk_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/tickets/{ticket.number}/{action + '/' if action else ''}"


def last_event(ticket: Ticket) -> TicketEvent:
    """The last thing someone did; the SLA clock's own entries follow actions and are skipped."""
    return ticket.events.exclude(kind=TicketEvent.Kind.SLA).order_by("-id").first()


def test_the_workspace_shows_fields_timeline_and_organisation(world):
    comment_add(ticket=world.alice_ticket, author=world.agent, body="Secret triage note", is_internal=True)
    world.alice_ticket.details = {"issue_type": "API"}
    world.alice_ticket.save()

    response = desk_client(world.agent).get(url(world.alice_ticket))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Secret triage note" in body and "Internal" in body
    assert "Alpha Shop" in body and "Premium" in body
    assert "emergency@alpha.example" in body
    assert 'hx-get="/desk/tickets/' in body  # presence poll


def test_acknowledge_is_recorded_with_its_actor(world):
    response = desk_client(world.agent).post(url(world.alice_ticket, "acknowledge"))
    assert response.status_code == 302 and response["Location"] == url(world.alice_ticket)
    world.alice_ticket.refresh_from_db()
    assert world.alice_ticket.acknowledged_at is not None
    event = last_event(world.alice_ticket)
    assert (event.kind, event.actor) == ("acknowledged", world.agent)


def test_a_severity_change_needs_a_reason_shown_beside_the_field(world):
    client = desk_client(world.agent)

    response = client.post(url(world.alice_ticket, "severity"), {"severity": 2, "reason": "  "})

    assert response.status_code == 400
    assert "Say why the severity changes." in response.content.decode()
    world.alice_ticket.refresh_from_db()
    assert world.alice_ticket.severity_id is None

    client.post(url(world.alice_ticket, "severity"), {"severity": 2, "reason": "Checkout down for one market"})
    world.alice_ticket.refresh_from_db()
    event = last_event(world.alice_ticket)
    assert world.alice_ticket.severity_id == 2
    assert (event.kind, event.actor, event.reason) == ("severity", world.agent, "Checkout down for one market")


def test_reply_note_and_send_back(world):
    client = desk_client(world.agent)
    ticket = world.alice_ticket

    client.post(url(ticket, "reply"), {"body": "We are on it."})
    client.post(url(ticket, "note"), {"note-body": "Looks like the cache."})
    response = client.post(url(ticket, "note"), {"note-body": ""})
    assert response.status_code == 400 and "Write a message first." in response.content.decode()
    client.post(url(ticket, "send-back"), {"message": "Which order ids fail?"})

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING_ON_CUSTOMER
    comments = list(ticket.comments.values_list("body", "is_internal"))
    assert comments == [("We are on it.", False), ("Looks like the cache.", True), ("Which order ids fail?", False)]
    kinds = list(ticket.events.values_list("kind", "actor"))
    assert ("replied", world.agent.pk) in kinds and ("note", world.agent.pk) in kinds
    assert ("sent_back", world.agent.pk) in kinds


def test_assign_take_resolve_close_and_reopen(world):
    client = desk_client(world.agent)
    ticket = world.alice_ticket

    client.post(url(ticket, "assign"), {"assignee": world.agent.pk})
    client.post(url(ticket, "assign"), {"assignee": world.lead.pk})
    response = client.post(url(ticket, "assign"), {"assignee": world.alice.pk})
    assert response.status_code == 400  # customers are not in the list
    ticket.refresh_from_db()
    assert ticket.assignee == world.lead

    for status in ("resolved", "closed", "open"):
        client.post(url(ticket, "status"), {"status": status, "reason": f"to {status}"})
        ticket.refresh_from_db()
        assert ticket.status == status
        assert last_event(ticket).reason == f"to {status}"

    response = client.post(url(ticket, "status"), {"status": "new"})
    assert response.status_code == 400 and "cannot become" in response.content.decode()


def test_linking_tickets_shows_on_both_timelines(world):
    client = desk_client(world.agent)
    client.post(url(world.alice_ticket, "link"), {"other": f"SD-{world.outsider_ticket.number}", "kind": "duplicate"})

    link = TicketLink.objects.get()
    assert (link.from_ticket, link.to_ticket, link.kind) == (world.alice_ticket, world.outsider_ticket, "duplicate")
    for ticket in (world.alice_ticket, world.outsider_ticket):
        event = last_event(ticket)
        assert (event.kind, event.actor, event.is_public) == ("linked", world.agent, False)
    page = client.get(url(world.outsider_ticket)).content.decode()
    assert world.alice_ticket.reference in page

    again = client.post(url(world.outsider_ticket, "link"), {"other": world.alice_ticket.number, "kind": "related"})
    assert again.status_code == 400 and "already linked" in again.content.decode()
    missing = client.post(url(world.alice_ticket, "link"), {"other": "999999", "kind": "related"})
    assert missing.status_code == 400 and "no ticket with this number" in missing.content.decode()


def test_a_canned_reply_prefills_the_reply_box_without_javascript(world):
    canned = CannedReply.objects.create(title="Need logs", body="Could you attach the logs?")
    CannedReply.objects.create(title="Retired", body="old", active=False)

    response = desk_client(world.agent).get(url(world.alice_ticket), {"canned": canned.pk})

    assert response.context["reply_form"].initial == {"body": "Could you attach the logs?"}
    assert "Retired" not in response.content.decode()


def test_presence_names_the_other_viewer_and_changes_since_loading(world):
    ticket = world.alice_ticket
    lead = desk_client(world.lead)
    since = last_event(ticket).pk
    lead.get(url(ticket, "presence"), {"since": since})

    response = desk_client(world.agent).get(url(ticket, "presence"), {"since": since})
    assert "Lee is also viewing this ticket." in response.content.decode()

    comment_add(ticket=ticket, author=world.lead, body="On it")
    body = lead.get(url(ticket, "presence"), {"since": since}).content.decode()
    assert "Sam is also viewing" in body and "Reload" not in body  # one's own changes are no news
    body = desk_client(world.agent).get(url(ticket, "presence"), {"since": since}).content.decode()
    assert "Lee Lead replied just now" in body and "Reload" in body


def test_presence_forgets_viewers_who_left(world):
    presence_touch(ticket=world.alice_ticket, user=world.lead, now=1000.0)
    assert presence_touch(ticket=world.alice_ticket, user=world.agent, now=1010.0) == ["Lee"]
    assert presence_touch(ticket=world.alice_ticket, user=world.agent, now=1100.0) == []


@time_machine.travel(datetime(2026, 7, 1, 15, 30, tzinfo=UTC), tick=False)
def test_times_are_in_the_agents_timezone_with_utc_on_hover(world):
    comment_add(ticket=world.alice_ticket, author=world.alice, body="hello")
    client = desk_client(world.agent)  # America/Chicago

    body = client.get(url(world.alice_ticket)).content.decode()
    assert 'title="2026-07-01 15:30 UTC">1 Jul 2026 10:30 CDT</time>' in body

    response = client.post("/desk/profile/", {"full_name": "Sam Agent", "timezone": "Europe/Madrid", "language": "en"})
    assert response.status_code == 302
    body = client.get(url(world.alice_ticket)).content.decode()
    assert 'title="2026-07-01 15:30 UTC">1 Jul 2026 17:30 CEST</time>' in body
    assert client.post("/desk/profile/", {"full_name": "Sam Agent", "timezone": "Mars/Olympus", "language": "en"}).status_code == 400


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # starts like a PNG: the upload check's test for a preview


def test_the_ticket_page_lists_its_files_with_checked_downloads(world):
    with time_machine.travel(datetime(2026, 11, 23, 15, 30, tzinfo=UTC), tick=False):
        log = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="gateway-502.log", content=b"x" * 2048)
        shot = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="checkout.png", content=PNG)
        note = comment_add(ticket=world.alice_ticket, author=world.agent, body="Trace", is_internal=True)
        trace = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.agent, name="trace.txt", comment=note)
    client = desk_client(world.agent)

    body = client.get(url(world.alice_ticket)).content.decode()

    files = body[body.index('id="attachments"') : body.index("Timeline")]
    for attachment in (log, shot, trace):
        assert f'href="/portal/tickets/{world.alice_ticket.number}/files/{attachment.pk}/" download' in files
    assert "gateway-502.log" in files and "2.0\xa0KB" in files and "Alice Alpha" in files
    assert "23 Nov 2026 09:30 CST" in files  # Sam works in Chicago; UTC on hover
    assert f'<img src="/portal/tickets/{world.alice_ticket.number}/files/{shot.pk}/?preview=1"' in files
    assert files.count("<img") == 1  # only the image is previewed
    assert "On an internal note" in files
    download = client.get(f"/portal/tickets/{world.alice_ticket.number}/files/{log.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"x" * 2048
    assert "attachment" in download["Content-Disposition"]


def test_an_agent_cannot_fetch_a_file_through_another_ticket(world):
    client = desk_client(world.agent)
    wrong = client.get(f"/portal/tickets/{world.alice_ticket.number}/files/{world.outsider_attachment.pk}/")
    assert wrong.status_code == 404


def test_the_ticket_page_asks_each_question_once_however_many_links_comments_and_contacts(world):
    """The page reads its links, clocks, contacts and severities once each, and not once per thing shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.models import Contact
    from desk.services import ticket_link
    from tests.factories import TicketFactory

    client = desk_client(world.agent)

    def selects(*, forms_kept: bool = False) -> list[str]:
        if not forms_kept:
            cache.clear()  # the action forms drawn, with the lists they offer (desk.action_forms)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(world.alice_ticket)).status_code == 200
        return [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT")]

    before = selects()
    for n in range(3):
        other = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary=f"Related {n}")
        ticket_link(ticket=world.alice_ticket, other=other, kind="related", actor=world.agent)
        comment_add(ticket=world.alice_ticket, author=world.agent, body=f"Reply {n}")
        Contact.objects.create(organisation=world.alpha, name=f"Contact {n}", email=f"c{n}@alpha.example")
    after = selects()

    assert len(after) == len(before)
    assert [sql for sql in set(after) if after.count(sql) > 1] == []
    # With the action forms kept, the macros, canned replies, tags in use, staff and severities are not read.
    kept = selects(forms_kept=True)
    assert len(kept) == len(after) - 5
    for table in ("desk_macro", "desk_cannedreply", "desk_tag", "sla_severity"):
        assert not [sql for sql in kept if f'FROM "{table}"' in sql], table
    assert "Related 2" in client.get(url(world.alice_ticket)).content.decode()
