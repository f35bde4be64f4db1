from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from desk.selectors import ack_times, open_by_severity_and_tier
from tests.factories import TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_acknowledgement_median_and_p90_over_the_last_week(world):
    waits = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]  # minutes
    for minutes in waits:
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice)
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=START,
            acknowledged_at=START + timedelta(minutes=minutes),
        )
    old = TicketFactory(organisation=world.alpha, requester_user=world.alice)
    Ticket.objects.filter(pk=old.pk).update(created_at=START - timedelta(days=30), acknowledged_at=START - timedelta(days=20))

    figures = ack_times(user=world.agent, now=START + timedelta(days=1))

    assert figures["count"] == 10
    assert figures["median"] == timedelta(minutes=55)
    assert figures["p90"] == timedelta(minutes=91)  # linear interpolation, as percentile_cont


def test_open_tickets_by_severity_and_tier(world):
    TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1, type_slug="production-issue")
    TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1, type_slug="production-issue")

    tiers, rows = open_by_severity_and_tier(user=world.agent)

    assert tiers == ["Premium"]
    assert [(row["level"], row["total"], row["bar"]) for row in rows] == [(1, 2, 100), (0, 2, 100)]


@time_machine.travel(START, tick=False)
def test_the_dashboard_page_renders(world):
    client = Client()
    client.force_login(world.lead)
    response = client.get("/desk/dashboard/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Open tickets by severity and tier" in body and "Escalations open" in body
