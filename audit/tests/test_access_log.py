"""Access transparency: each look by the vendor's staff at a customer's data is one row the customer's admin reads."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.services import token_create
from audit.access_log import access_record
from audit.models import AccessRecord
from supportdesk.appendonly import AppendOnlyError
from tests.factories import AttachmentFactory
from tickets.workflow import comment_add

pytestmark = pytest.mark.django_db


def inserts(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]


def test_opening_a_ticket_in_the_desk_costs_one_insert(client, world) -> None:
    client.force_login(world.agent)
    client.get(f"/desk/tickets/{world.alice_ticket.number}/")  # warm: sessions, presence
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/desk/tickets/{world.alice_ticket.number}/", REMOTE_ADDR="192.0.2.44").status_code == 200
    written = [sql for sql in inserts(queries) if "audit_accessrecord" in sql]
    assert len(written) == 1
    record = AccessRecord.objects.filter(organisation=world.alpha).first()
    assert (record.actor, record.action, record.ticket_reference, record.client) == (
        world.agent,
        "ticket_viewed",
        world.alice_ticket.reference,
        "192.0.2.44",
    )


def test_a_file_download_costs_one_insert_in_the_portal_view_and_the_api(client, world) -> None:
    attachment = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="trace.txt")
    client.force_login(world.lead)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/portal/tickets/{world.alice_ticket.number}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert len(inserts(queries)) == 1

    _token, key = token_create(user=world.agent, name="desk script")
    url = f"/api/v1/tickets/{world.alice_ticket.number}/attachments/{attachment.pk}/download/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, url
    assert len([sql for sql in inserts(queries) if "audit_accessrecord" in sql]) == 1
    assert list(AccessRecord.objects.filter(organisation=world.alpha).values_list("actor_label", "object_label")) == [
        ("Sam Agent", "trace.txt"),
        ("Lee Lead", "trace.txt"),
    ]


def test_the_customers_own_looks_are_not_recorded(client, world) -> None:
    client.force_login(world.alice)
    client.get(f"/portal/tickets/{world.alice_ticket.number}/")
    assert not AccessRecord.objects.exists()


def test_the_organisation_admin_reads_the_log_filters_and_exports_it(client, world, django_assert_max_num_queries) -> None:
    for _ in range(3):
        access_record(request=None, actor=world.agent, organisation=world.alpha, action="ticket_viewed", ticket=world.alice_ticket)
    access_record(
        request=None,
        actor=world.lead,
        organisation=world.alpha,
        action="data_exported",
        object_label='=HYPERLINK("http://evil.example")',
    )
    access_record(request=None, actor=world.agent, organisation=world.outsider, action="ticket_viewed", ticket=world.outsider_ticket)
    comment_add(ticket=world.alice_ticket, author=world.agent, body="SECRET-internal-note", is_internal=True)

    client.force_login(world.alan)
    with django_assert_max_num_queries(12):
        page = client.get("/portal/organisation/transparency/").content.decode()
    assert page.count("Sam Agent") >= 3 and "Lee Lead" in page and "Exported data" in page
    assert world.outsider_ticket.reference not in page and "SECRET-internal-note" not in page

    filtered = client.get("/portal/organisation/transparency/", {"who": "Lee Lead"}).content.decode()
    assert "Lee Lead" in filtered and world.alice_ticket.reference not in filtered
    by_action = client.get("/portal/organisation/transparency/", {"action": "ticket_viewed"}).content.decode()
    assert by_action.count(world.alice_ticket.reference) >= 3 and "Exported data</td>" not in by_action

    export = client.get("/portal/organisation/transparency/", {"format": "csv"})
    assert export["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert len(rows) == 1 + 4
    assert rows[1][1] == "Lee Lead" and rows[1][4].startswith("'=")  # no formula in a spreadsheet
    only_agent = list(
        csv.reader(
            io.StringIO(client.get("/portal/organisation/transparency/", {"format": "csv", "who": "Sam Agent"}).content.decode())
        )
    )
    assert len(only_agent) == 1 + 3


@pytest.mark.parametrize("who", ["alice", "carol", "agent", "lead", "admin"])
def test_nobody_else_reads_alphas_log(client, world, who) -> None:
    access_record(request=None, actor=world.agent, organisation=world.alpha, action="ticket_viewed", ticket=world.alice_ticket)
    client.force_login(getattr(world, who))
    response = client.get("/portal/organisation/transparency/")
    assert response.status_code in (200, 403, 404)
    assert world.alice_ticket.reference not in response.content.decode()


def test_the_log_is_append_only(world) -> None:
    record = access_record(
        request=None, actor=world.agent, organisation=world.alpha, action="ticket_viewed", ticket=world.alice_ticket
    )
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.filter(pk=record.pk).update(actor_label="someone else")
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.all().delete()
