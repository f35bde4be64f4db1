from __future__ import annotations

import pytest
from django.test import Client

from desk.housekeeping import ticket_follow
from desk.models import AgentNotification, NotificationSetting, QueueWatch
from desk.notifications import mentioned_in, on_customer_comment_unattended
from notifications.models import OutboundEmail
from sla.models import Severity
from tests.factories import TicketFactory, UserFactory
from tickets.workflow import comment_add, ticket_assign

pytestmark = pytest.mark.django_db


def desk_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def told(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(AgentNotification.objects.filter(user=user).values_list("event", flat=True))


def mailed(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(OutboundEmail.objects.filter(recipient=user.email, event_key__startswith="desk-").values_list("subject", flat=True))


def test_an_assignment_is_told_in_the_desk_and_by_mail_but_not_to_oneself(world):
    ticket_assign(ticket=world.alice_ticket, actor=world.lead, assignee=world.agent)
    assert told(world.agent) == ["assigned"]
    assert mailed(world.agent) == [f"[{world.alice_ticket.reference}] {world.alice_ticket.reference} was assigned to you"]
    other = TicketFactory(organisation=world.alpha)
    ticket_assign(ticket=other, actor=world.agent, assignee=world.agent)
    assert told(world.agent) == ["assigned"]


def test_each_agent_chooses_the_channel_per_event(world):
    NotificationSetting.objects.create(user=world.agent, event="assigned", channel="desk")
    NotificationSetting.objects.create(user=world.agent, event="customer_comment", channel="off")
    ticket_assign(ticket=world.alice_ticket, actor=world.lead, assignee=world.agent)
    comment_add(ticket=world.alice_ticket, author=world.alice, body="Any news?")
    assert told(world.agent) == ["assigned"] and mailed(world.agent) == []


def test_customer_comments_reach_the_assignee_and_the_followers(world):
    priya = UserFactory(email="priya@vendor.example", full_name="Priya Patel", role="agent")
    ticket_assign(ticket=world.alice_ticket, actor=world.lead, assignee=world.agent)
    ticket_follow(ticket=world.alice_ticket, user=priya)
    comment_add(ticket=world.alice_ticket, author=world.alice, body="Still slow.")
    assert "customer_comment" in told(world.agent) and told(priya) == ["customer_comment"]
    assert AgentNotification.objects.get(user=priya).text == f"Alice Alpha commented on {world.alice_ticket.reference}"


def test_new_tickets_reach_the_agents_watching_their_queue(world):
    QueueWatch.objects.create(user=world.agent, severity=Severity.objects.get(level=1))
    QueueWatch.objects.create(user=world.lead, organisation=world.outsider)
    sev1 = TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue")
    TicketFactory(organisation=world.alpha, severity=3, type_slug="production-issue")
    assert list(AgentNotification.objects.filter(user=world.agent).values_list("ticket", flat=True)) == [sev1.pk]
    assert told(world.lead) == []


def test_a_mention_in_an_internal_note_notifies_that_colleague_and_no_customer_sees_it(world):
    priya = UserFactory(email="priya.patel@vendor.example", full_name="Priya Patel", role="agent")
    comment_add(ticket=world.alice_ticket, author=world.agent, body="@priya.patel can you check the gateway?", is_internal=True)
    assert told(priya) == ["mention"]
    assert AgentNotification.objects.get(user=priya).text == f"Sam Agent mentioned you on {world.alice_ticket.reference}"
    comment_add(ticket=world.alice_ticket, author=world.agent, body="Thanks @priya.patel, we fixed it.")
    assert told(priya) == ["mention"]  # a public reply mentions nobody
    portal = desk_client(world.alice).get(f"/portal/tickets/{world.alice_ticket.number}/").content.decode()
    assert "@priya.patel can you" not in portal
    assert not OutboundEmail.objects.filter(recipient=world.alice.email, body_text__contains="can you check").exists()


def test_mentions_match_addresses_and_unique_first_names():
    from accounts.models import User

    UserFactory(email="sam@vendor.example", full_name="Sam Agent", role="agent")
    UserFactory(email="lee@vendor.example", full_name="Lee Lead", role="lead")
    UserFactory(email="lee2@vendor.example", full_name="Lee Other", role="agent")
    UserFactory(email="cust@alpha.example", full_name="Cus Tomer")
    assert [u.email for u in mentioned_in("ask @Sam, and mail x@sam.example")] == ["sam@vendor.example"]
    assert mentioned_in("@lee?") == [User.objects.get(email="lee@vendor.example")]
    assert mentioned_in("@cust @nobody") == []


def test_an_unattended_customer_comment_reaches_the_watchers(world):
    QueueWatch.objects.create(user=world.agent, organisation=world.alpha)
    comment = comment_add(ticket=world.alice_ticket, author=world.alice, body="Hello?")
    on_customer_comment_unattended(sender=None, ticket=world.alice_ticket, comment=comment)
    assert told(world.agent).count("customer_comment") == 1


def test_the_header_count_and_the_list(world):
    ticket_assign(ticket=world.alice_ticket, actor=world.lead, assignee=world.agent)
    client = desk_client(world.agent)
    count = client.get("/desk/notifications/count/").content.decode()
    assert '<span class="count hot">1</span>' in count and 'hx-trigger="every 15s"' in count
    listed = client.get("/desk/notifications/").content.decode()
    assert f"{world.alice_ticket.reference} was assigned to you" in listed
    client.post("/desk/notifications/read/")
    assert '<span class="count">0</span>' in client.get("/desk/notifications/count/").content.decode()
    assert desk_client(world.alan).get("/desk/notifications/count/").status_code == 403


def test_escalations_and_near_breaches_add_the_desk_to_the_sla_engines_own_mail(world):
    from tickets.models import TicketEvent
    from tickets.services import event_record

    ticket_assign(ticket=world.alice_ticket, actor=world.lead, assignee=world.agent)
    event_record(ticket=world.alice_ticket, kind=TicketEvent.Kind.ESCALATED, actor_label="SLA", is_public=False)
    assert "escalation" in told(world.lead) and "escalation" in told(world.agent)
    assert mailed(world.lead) == []  # the escalation mail itself comes from the SLA engine
