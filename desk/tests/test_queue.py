from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sla.models import SupportTier
from tests.factories import OrganisationFactory, TicketFactory, UserFactory
from tickets.models import Ticket
from tickets.workflow import comment_add, ticket_acknowledge, ticket_assign, ticket_status_change

pytestmark = pytest.mark.django_db


def desk_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def numbers(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [ticket.number for ticket in response.context["page"].object_list]


def test_the_queue_lists_every_organisation_most_severe_first(world):
    sev3 = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=3, type_slug="production-issue")
    sev1 = TicketFactory(organisation=world.outsider, requester_user=world.charlie, severity=1, type_slug="production-issue")
    closed = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    ticket_status_change(ticket=closed, actor=world.agent, status=Ticket.Status.CLOSED)

    response = desk_client(world.agent).get("/desk/")

    listed = numbers(response)
    assert listed[:2] == [sev1.number, sev3.number]
    assert closed.number not in listed
    assert world.outsider_ticket.number in listed and world.alice_ticket.number in listed
    assert b"Outsider Corp" in response.content and b"Alpha Shop" in response.content


def test_filters_narrow_the_queue(world):
    mine = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2, type_slug="production-issue")
    ticket_assign(ticket=mine, actor=world.agent, assignee=world.agent)
    client = desk_client(world.agent)

    assert numbers(client.get("/desk/", {"who": "mine"})) == [mine.number]
    assert mine.number not in numbers(client.get("/desk/", {"who": "unassigned"}))
    assert numbers(client.get("/desk/", {"severity": 2})) == [mine.number]
    assert numbers(client.get("/desk/", {"organisation": world.outsider.pk})) == [world.outsider_ticket.number]
    assert numbers(client.get("/desk/", {"tier": world.alpha.tier_id, "view": "mine"})) == [mine.number]
    assert numbers(client.get("/desk/", {"status": "closed"})) == []


def test_saved_views_and_their_counts(world):
    waiting = TicketFactory(organisation=world.alpha, requester_user=world.alice)
    ticket_status_change(ticket=waiting, actor=world.agent, status=Ticket.Status.WAITING_ON_CUSTOMER)
    client = desk_client(world.agent)

    response = client.get("/desk/", {"view": "waiting"})

    assert numbers(response) == [waiting.number]
    assert response.context["counts"]["waiting"] == 1
    assert response.context["counts"]["unassigned"] == 3
    assert response.context["counts"]["mine"] == 0


def test_search_finds_numbers_summaries_descriptions_and_comments(world):
    client = desk_client(world.agent)
    by_comment = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Orders stuck")
    comment_add(ticket=by_comment, author=world.alice, body="The carrier label printer says ZEBRA-42 offline")
    by_description = TicketFactory(
        organisation=world.alpha,
        requester_user=world.alice,
        summary="Other",
        description="warehouse webhook retries",
    )

    assert numbers(client.get("/desk/", {"q": "checkout"})) == [world.alice_ticket.number]
    assert numbers(client.get("/desk/", {"q": "printer"})) == [by_comment.number]
    assert numbers(client.get("/desk/", {"q": "webhook"})) == [by_description.number]
    assert numbers(client.get("/desk/", {"q": f"SD-{by_comment.number}"})) == [by_comment.number]
    assert numbers(client.get("/desk/", {"q": "nothing-like-this"})) == []


def test_the_table_refreshes_in_place_for_htmx(world):
    response = desk_client(world.agent).get("/desk/", {"severity": ""}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="queue-rows"')
    assert 'hx-trigger="every 30s"' in body
    assert "<html" not in body


def _queries_for_queue(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/desk/")
    assert response.status_code == 200
    # Every row drew its countdown (clock, target and calendar), so none of that was left out of the count.
    rows = len(response.context["page"].object_list)
    assert response.content.decode().count('class="sla ') == rows - _without_clock(response)
    return len(captured)


def _without_clock(response) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for ticket in response.context["page"].object_list if not ticket.ack_clocks)


def test_the_queue_costs_the_same_queries_for_10_and_100_rows(world, settings):
    settings.DEBUG = False
    organisations = [OrganisationFactory() for _ in range(5)]
    organisations[1].tier = SupportTier.objects.get(name="Break-Fix")  # another calendar (standard hours)
    organisations[1].save()
    agents = [UserFactory(role="agent") for _ in range(3)]

    def add(count: int) -> None:
        # Running, acknowledged (stopped) and waiting (paused) clocks, assigned or not.
        for i in range(count):
            ticket = TicketFactory(
                organisation=organisations[i % 5],
                severity=(i % 2) + 1,
                type_slug="production-issue",
            )
            if i % 2:
                ticket_assign(ticket=ticket, actor=agents[0], assignee=agents[i % 3])
            if i % 3 == 1:
                ticket_acknowledge(ticket=ticket, actor=agents[0])
            elif i % 3 == 2:
                ticket_status_change(ticket=ticket, actor=agents[0], status=Ticket.Status.WAITING_ON_CUSTOMER)

    client = desk_client(world.agent)
    from desk import views

    settings_page = views.PAGE_SIZE
    views.PAGE_SIZE = 100
    try:
        add(8)
        with_10 = _queries_for_queue(client)
        add(92)
        response = client.get("/desk/")
        assert len(response.context["page"].object_list) == 100
        cache.clear()  # the filters drawn again, as for the first 10
        with_100 = _queries_for_queue(client)
        kept = _queries_for_queue(client)
    finally:
        views.PAGE_SIZE = settings_page
    assert with_10 == with_100
    # Session, user; the open and saved-view counts, the breached count and the escalated count
    # (the open count is also the page's); the page's ids, in three runs (breached, running, the
    # rest: a page that reaches the rest reads all three); its rows and their acknowledgement
    # clocks (with target and calendar); the filter choices (organisations, tiers, severities)
    # and the bulk form's staff (their list, without a count first); the tags in use, for the tag
    # filter's autocomplete. Not one per row.
    assert with_100 == 15, with_100
    # Asked again with nothing changed, the filters come from the cache (desk.lists: the organisations, tiers,
    # severities and tags in use are not read) and so do the tab counts (desk.counts: the three aggregates).
    assert kept == 8, kept


def test_bulk_assign_and_close_from_the_queue(world):
    other = TicketFactory(organisation=world.alpha, requester_user=world.alice)
    client = desk_client(world.agent)
    picked = [world.alice_ticket.number, other.number]

    response = client.post(
        "/desk/bulk/", {"action": "assign", "tickets": picked, "assignee": world.lead.pk, "next": "/desk/?view=unassigned"}
    )
    assert response.status_code == 302 and response["Location"] == "/desk/?view=unassigned"
    assert set(Ticket.objects.filter(number__in=picked).values_list("assignee", flat=True)) == {world.lead.pk}

    client.post("/desk/bulk/", {"action": "close", "tickets": picked, "next": "https://evil.example/"})
    assert set(Ticket.objects.filter(number__in=picked).values_list("status", flat=True)) == {"closed"}
    closing = world.alice_ticket.events.filter(kind="status").last()
    assert closing.actor == world.agent and closing.reason


def test_bulk_without_tickets_changes_nothing(world):
    response = desk_client(world.agent).post("/desk/bulk/", {"action": "close", "next": "/desk/"}, follow=True)
    assert "Tick at least one ticket" in response.content.decode()
    assert not Ticket.objects.filter(status="closed").exists()


def test_the_tab_counts_follow_a_change_at_once(world):
    client = desk_client(world.agent)
    mine = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2)

    def my_count() -> str:
        body = client.get("/desk/").content.decode()
        return body[body.index('href="?view=mine"') :].split('<span class="count">', 1)[1].split("<", 1)[0]

    before = my_count()
    assert my_count() == before  # kept: nothing changed
    ticket_assign(ticket=mine, actor=world.agent, assignee=world.agent)
    assert int(my_count()) == int(before) + 1
    ticket_status_change(ticket=mine, actor=world.agent, status=Ticket.Status.CLOSED)
    assert my_count() == before
