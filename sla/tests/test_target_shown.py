"""The target a request is counted against, on the ticket page and in the reception mail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from portal.tests.conftest import production_issue_post
from tests.factories import TicketFactory
from tickets.models import Ticket
from tickets.workflow import ticket_acknowledge

pytestmark = pytest.mark.django_db

FILED = datetime(2026, 11, 23, 10, 10, tzinfo=UTC)  # a Monday


def test_the_ticket_page_shows_the_target_and_its_deadline_in_the_viewers_zone(client, world):
    world.alice.timezone = "Europe/Madrid"
    world.alice.save(update_fields=["timezone"])
    with time_machine.travel(FILED, tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2)
        client.force_login(world.alice)
        page = client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    # Premium High: 4 h, 24/7 → 14:10 UTC, 15:10 in Madrid.
    assert "Premium · High: acknowledged within 4 h, 24/7 — by 15:10 your time (Europe/Madrid)" in page


def test_once_acknowledged_the_page_says_when(client, world):
    with time_machine.travel(FILED, tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2)
    with time_machine.travel(FILED.replace(hour=11), tick=False):
        ticket_acknowledge(ticket=ticket, actor=world.agent)
    client.force_login(world.alice)
    page = client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "Acknowledged 23 Nov 2026 11:10 your time (UTC)." in page


def test_the_reception_mail_states_the_target(client, world, smtp, django_capture_on_commit_callbacks):
    client.force_login(world.alice)
    with time_machine.travel(FILED, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/new/", production_issue_post(world))
    ticket = Ticket.objects.get(summary="Orders stuck in AWAITING_PICK")
    [mail] = smtp.to("alice@alpha.example")[:1]
    assert ticket.reference in mail["Subject"]
    assert "Target: Premium · High: acknowledged within 4 h, 24/7 — by 14:10 your time (UTC)" in mail.text
