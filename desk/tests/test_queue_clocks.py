"""The queue follows the acknowledgement clocks: what breached, what is due next, how long is left."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from desk.clocks import dashboard_figures
from sla.escalations import sla_tick
from sla.tests.helpers import chicago
from tests.factories import TicketFactory
from tickets.models import Ticket
from tickets.workflow import ticket_acknowledge, ticket_status_change

pytestmark = pytest.mark.django_db

# Monday 23 November 2026, 10:00 in Chicago; the world's organisations are Premium:
# Sev1 2 h and Sev2 4 h around the clock, Sev3 8 h and Sev4 24 h in standard hours.
NOW = chicago(2026, 11, 23, 10, 0)


def filed(when, *, organisation, severity: int | None, summary: str = "Something is wrong") -> Ticket:  # type: ignore[no-untyped-def]
    with time_machine.travel(when, tick=False):
        return TicketFactory(organisation=organisation, severity=severity, summary=summary, type_slug="production-issue")


def queue(user, **params) -> tuple[list[int], str]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get("/desk/", params)
    assert response.status_code == 200
    return [ticket.number for ticket in response.context["page"].object_list], response.content.decode()


def row_text(body: str, ticket: Ticket) -> str:
    """What the agent reads on the ticket's row, tags stripped and spaces folded."""
    row = next(part for part in body.split("<tr")[1:] if f">{ticket.reference}<" in part)
    return " ".join(re.sub(r"<[^>]+>", " ", row.split("</tr>")[0]).split())


def row_class(body: str, ticket: Ticket) -> str:
    row = next(part for part in body.split("<tr")[1:] if f">{ticket.reference}<" in part)
    return re.match(r'\s*class="([^"]*)"', row).group(1)  # type: ignore[union-attr]


@pytest.fixture
def desk(world):  # type: ignore[no-untyped-def]
    """Tickets with every kind of acknowledgement clock, and the order the queue must show them in."""
    alpha = world.alpha
    tickets = {
        "old_sev4": filed(NOW - timedelta(days=3), organisation=alpha, severity=4, summary="Old low ticket"),
        "breached": filed(NOW - timedelta(hours=3), organisation=alpha, severity=1, summary="Breached critical"),
        "sev2_due_soon": filed(NOW - timedelta(hours=3), organisation=alpha, severity=2, summary="High, due in 1 h"),
        "new_sev1": filed(NOW - timedelta(minutes=10), organisation=alpha, severity=1, summary="Fresh critical"),
        "acked": filed(NOW - timedelta(hours=5), organisation=alpha, severity=1, summary="Acknowledged critical"),
        "paused": filed(NOW - timedelta(hours=1), organisation=alpha, severity=2, summary="Waiting on them"),
    }
    with time_machine.travel(NOW - timedelta(hours=5) + timedelta(minutes=40), tick=False):
        ticket_acknowledge(ticket=tickets["acked"], actor=world.agent)
    with time_machine.travel(NOW - timedelta(minutes=30), tick=False):
        ticket_status_change(ticket=tickets["paused"], actor=world.agent, status=Ticket.Status.WAITING_ON_CUSTOMER)
    return tickets


def test_breached_tickets_come_first_then_the_soonest_due_then_the_rest(world, desk):
    with time_machine.travel(NOW, tick=False):
        listed, _ = queue(world.agent)

    running = [desk["breached"], desk["sev2_due_soon"], desk["new_sev1"], desk["old_sev4"]]
    assert listed[:4] == [ticket.number for ticket in running]
    rest = listed[4:]
    # No running clock: acknowledged, paused, no severity (severity first, then age).
    assert rest.index(desk["acked"].number) < rest.index(desk["paused"].number) < rest.index(world.alice_ticket.number)


def test_the_tick_marking_the_breach_changes_nothing_in_the_order(world, desk):
    with time_machine.travel(NOW, tick=False):
        before, _ = queue(world.agent)
        sla_tick(now=NOW)
        after, body = queue(world.agent)
    assert before == after
    assert "sla-breached" in row_class(body, desk["breached"])


def test_each_row_counts_down_in_business_time(world, desk):
    with time_machine.travel(NOW, tick=False):
        _, body = queue(world.agent)

    assert "1h 00m overdue" in row_text(body, desk["breached"])
    assert row_class(body, desk["breached"]) == "sla-breached"
    # Sev2: 4 h, warned at 75 % (3 h): one hour left and amber.
    assert "1h 00m left" in row_text(body, desk["sev2_due_soon"])
    assert row_class(body, desk["sev2_due_soon"]) == "sla-at-risk"
    assert "1h 50m left" in row_text(body, desk["new_sev1"])
    assert row_class(body, desk["new_sev1"]) == "sla-ok"
    # Filed Friday 10:00, 24 business hours: Fri 7 h + Mon 2 h counted, 15 h left (not 3 days).
    assert "15h 00m left" in row_text(body, desk["old_sev4"])
    assert "acked in 40m" in row_text(body, desk["acked"])
    assert "3h 30m left · paused" in row_text(body, desk["paused"])
    assert "—" in row_text(body, world.alice_ticket)  # no severity, no clock


def test_a_ticket_filed_friday_evening_keeps_its_business_hours_over_the_weekend(world):
    friday = chicago(2026, 11, 20, 16, 0)
    medium = filed(friday, organisation=world.alpha, severity=3)  # 8 h in standard hours

    with time_machine.travel(friday + timedelta(hours=4), tick=False):
        _, body = queue(world.agent)
    assert "7h 00m left" in row_text(body, medium)
    with time_machine.travel(chicago(2026, 11, 22, 23, 0), tick=False):  # Sunday night: nothing counted
        _, body = queue(world.agent)
    assert "7h 00m left" in row_text(body, medium)


def test_a_paused_clock_keeps_its_time_left_while_waiting(world, desk):
    with time_machine.travel(NOW + timedelta(hours=6), tick=False):
        listed, body = queue(world.agent)
    assert "3h 30m left · paused" in row_text(body, desk["paused"])
    assert listed.index(desk["paused"].number) > listed.index(desk["old_sev4"].number)


def test_acknowledging_takes_the_ticket_off_the_top(world, desk):
    with time_machine.travel(NOW, tick=False):
        ticket_acknowledge(ticket=desk["breached"], actor=world.agent)
        listed, body = queue(world.agent)
    assert listed[0] == desk["sev2_due_soon"].number
    assert "acked late · 3h 00m" in row_text(body, desk["breached"])


def test_breached_and_at_risk_filters_and_the_saved_view(world, desk):
    with time_machine.travel(NOW, tick=False):
        breached, _ = queue(world.agent, sla="breached")
        at_risk, _ = queue(world.agent, sla="at_risk")
        due_soon, _ = queue(world.agent, sla="due_soon")
        client = Client()
        client.force_login(world.agent)
        response = client.get("/desk/", {"view": "breached"})

    assert breached == [desk["breached"].number]
    assert at_risk == [desk["sev2_due_soon"].number]
    assert due_soon == [desk["sev2_due_soon"].number, desk["new_sev1"].number]
    assert [t.number for t in response.context["page"].object_list] == [desk["breached"].number]
    assert response.context["counts"]["breached"] == 1


def test_the_dashboard_counts_todays_breaches_and_what_is_due_within_four_hours(world, desk):
    yesterday = filed(NOW - timedelta(days=1), organisation=world.alpha, severity=1)  # breached yesterday
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        sla_tick(now=NOW - timedelta(hours=1))  # marks "breached" at 09:00 and yesterday's
    with time_machine.travel(NOW, tick=False):
        ticket_acknowledge(ticket=desk["breached"], actor=world.agent)  # still a breach of today
        late = filed(NOW - timedelta(hours=2, minutes=5), organisation=world.outsider, severity=1)  # due 5 min ago
        figures = dashboard_figures(user=world.lead)
        client = Client()
        client.force_login(world.lead)
        body = client.get("/desk/dashboard/").content.decode()

    assert yesterday.number and late.number
    assert figures["breached_today"] == 2  # "breached" (since acknowledged) and "late" (not yet ticked)
    assert figures["at_risk_soon"] == 2  # sev2 due in 1 h, new Sev1 in 1 h 50; Sev4 is 15 business hours away
    stats = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert "Acknowledgement breaches today 2" in stats
    assert "At risk: due within 4 hours 2" in stats


def test_customers_never_reach_the_queue(world, desk):
    client = Client()
    client.force_login(world.alice)
    assert client.get("/desk/", {"sla": "breached"}).status_code == 403


def test_the_ticket_page_heads_with_the_same_countdown(world, desk):
    client = Client()
    client.force_login(world.agent)
    with time_machine.travel(NOW, tick=False):
        fresh = client.get(f"/desk/tickets/{desk['new_sev1'].number}/").content.decode()
        acked = client.get(f"/desk/tickets/{desk['acked'].number}/").content.decode()
        late = client.get(f"/desk/tickets/{desk['breached'].number}/").content.decode()

    def head(body: str) -> str:
        part = body[body.index('class="ticket-head"') : body.index('class="quick-actions"')]
        return " ".join(re.sub(r"<[^>]+>", " ", part).split())

    assert "To acknowledge: 1h 50m left" in head(fresh)
    assert "Acknowledged in 40m of business time: target met" in head(acked)
    assert "To acknowledge: 1h 00m overdue" in head(late)


def test_a_breached_ticket_stays_breached_while_it_waits_on_the_customer(world, desk):
    with time_machine.travel(NOW, tick=False):
        sla_tick(now=NOW)
        ticket_status_change(ticket=desk["breached"], actor=world.agent, status=Ticket.Status.WAITING_ON_CUSTOMER)
        listed, _ = queue(world.agent)
        breached, _ = queue(world.agent, sla="breached")
    assert listed[0] == desk["breached"].number
    assert breached == [desk["breached"].number]


def test_paging_through_the_queue_keeps_the_order_across_breached_running_and_the_rest(world, desk, monkeypatch):
    from desk import views

    with time_machine.travel(NOW, tick=False):
        whole, _ = queue(world.agent)
        monkeypatch.setattr(views, "PAGE_SIZE", 3)
        pages = [queue(world.agent, page=number)[0] for number in range(1, -(-len(whole) // 3) + 1)]
    assert len(whole) > 6  # three pages at least: breached, running and the rest each cross a page
    assert [number for page in pages for number in page] == whole
