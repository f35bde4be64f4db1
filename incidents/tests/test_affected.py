"""Agents link the organisations an incident hits: each gets one proactive notice, then the incident's updates."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Contact
from incidents import affected, publishing
from incidents.models import IncidentEvent, IncidentOrganisation
from incidents.tests.factories import component
from notices.models import Notice, NoticeUpdate, ProductArea
from notifications.models import OutboundEmail
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

MONDAY_NIGHT = "2026-03-03 04:00Z"  # Monday 22:00 in Chicago: outside business hours


@pytest.fixture
def area(db) -> ProductArea:  # type: ignore[no-untyped-def]
    return ProductArea.objects.get_or_create(name="Label creation")[0]


def outage(impact: str = "partial_outage", **kwargs):  # type: ignore[no-untyped-def]
    labels = component("Correos", group="Carriers · Spain")
    return publishing.incident_create(
        title="Correos (Spain): labels cannot be created",
        message="A third of the Correos label requests fail.",
        components={labels: impact},
        market="Spain",
        cause="carrier",
        source="agent",
        publish_now=True,
        **kwargs,
    )


def link(client, incident, organisations, area):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("desk_status:organisations_link", args=[incident.pk]),
        {"organisations": [o.pk for o in organisations], "area": area.pk},
        follow=True,
    )


def test_linking_from_the_desk_raises_one_alert_per_organisation_at_once(
    client,
    world,
    area,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    client.force_login(world.agent)
    with time_machine.travel(MONDAY_NIGHT, tick=False):
        incident = outage()
        with django_capture_on_commit_callbacks(execute=True):
            response = link(client, incident, [world.alpha, world.outsider], area)

    assert "Notice raised for Alpha Shop, Outsider Corp." in response.content.decode()
    notices = {n.organisation: n for n in Notice.objects.select_related("ticket")}
    assert set(notices) == {world.alpha, world.outsider}
    alpha = notices[world.alpha]
    assert alpha.kind == Notice.Kind.ALERT and alpha.title == incident.title
    assert alpha.ticket.requester_contact.email == "emergency@alpha.example"
    assert "A third of the Correos label requests fail." in alpha.description
    assert "Correos (Partial outage)" in alpha.description

    # An alert does not wait for business hours: both organisations' emergency contacts have it now.
    received = {m.envelope_to[0] for m in smtp.messages}
    assert received == {"emergency@alpha.example", "ops-list@alpha.example", "emergency@outsider.example", "ops-list@outsider.example"}

    [event] = IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.ORGANISATIONS)
    assert event.actor == world.agent
    assert "Alert raised for Alpha Shop, Outsider Corp." in event.reason and "Partial outage" in event.reason
    page = client.get(reverse("desk_status:incident", args=[incident.pk])).content.decode()
    assert alpha.ticket.reference in page and "Organisations linked" in page


def test_linking_twice_sends_nothing_twice(client, world, area) -> None:
    client.force_login(world.agent)
    incident = outage()
    link(client, incident, [world.alpha], area)
    mails = OutboundEmail.objects.count()

    again = link(client, incident, [world.alpha], area)
    assert "Already linked: nothing was sent again." in again.content.decode()
    assert Notice.objects.filter(organisation=world.alpha).count() == 1
    assert OutboundEmail.objects.count() == mails

    # Another agent, both organisations: only the new one is told.
    other = world.lead
    links = affected.incident_organisations_link(
        incident=incident, organisations=[world.alpha, world.outsider], area=area, actor=other
    )
    assert [link.organisation for link in links] == [world.outsider]
    assert Notice.objects.filter(organisation=world.alpha).count() == 1
    assert IncidentOrganisation.objects.filter(incident=incident).count() == 2


@pytest.mark.parametrize(
    ("impact", "kind"),
    [
        ("major_outage", Notice.Kind.ALERT),
        ("partial_outage", Notice.Kind.ALERT),
        ("degraded_performance", Notice.Kind.ALERT),  # seed 000: degraded performance is its first example of an alert
        ("operational", Notice.Kind.WARNING),
    ],
)
def test_the_notice_is_an_alert_while_a_component_is_impaired(world, area, impact: str, kind: str) -> None:
    incident = outage(impact)
    [link] = affected.incident_organisations_link(incident=incident, organisations=[world.alpha], area=area, actor=world.agent)
    assert link.notice.kind == kind


def test_a_maintenance_window_is_a_warning_held_for_business_hours(world, area) -> None:
    with time_machine.travel(MONDAY_NIGHT, tick=False):
        from django.utils import timezone

        now = timezone.now()
        window = publishing.maintenance_schedule(
            title="Public API database upgrade",
            message="Read-only for 15 minutes.",
            components=[component()],
            scheduled_for=now + timedelta(hours=2),
            scheduled_until=now + timedelta(hours=3),
        )
        [link] = affected.incident_organisations_link(incident=window, organisations=[world.alpha], area=area, actor=world.agent)
    assert link.notice.kind == Notice.Kind.WARNING
    held = OutboundEmail.objects.filter(event_key=link.notice.event_key)
    assert held.count() == 2 and all(row.held_reason for row in held)


def test_updates_and_the_automatic_resolution_reach_the_linked_organisations(world, area) -> None:
    with time_machine.travel(MONDAY_NIGHT, tick=False) as traveller:
        incident = outage()
        [link] = affected.incident_organisations_link(incident=incident, organisations=[world.alpha], area=area, actor=world.agent)
        first = OutboundEmail.objects.get(event_key=link.notice.event_key, recipient="emergency@alpha.example")

        publishing.incident_update_post(
            incident=incident, status="monitoring", actor=world.lead, message="Correos fixed their label service; we are watching."
        )
        traveller.shift(timedelta(minutes=10))
        assert publishing.incidents_resolve_stable() == [incident.pk]

    updates = list(NoticeUpdate.objects.filter(notice=link.notice).select_related("comment"))
    assert [u.body.split(":")[0] for u in updates] == ["Monitoring", "Resolved"]
    assert updates[0].author == world.lead
    assert updates[1].author == world.agent, "the rules' resolution is posted by the agent who linked the organisation"
    assert "The fix has held for 10 minutes." in updates[1].body
    assert f"/status/incidents/{incident.pk}/" in updates[1].body
    assert all(u.comment is not None and not u.comment.is_internal for u in updates), "public replies on the ticket"

    resolved_mail = OutboundEmail.objects.get(event_key=updates[1].event_key, recipient="emergency@alpha.example")
    assert resolved_mail.in_reply_to and first.message_id in resolved_mail.references, "in the notice's thread"
    relayed = IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.RELAYED)
    assert [e.actor_name for e in relayed] == ["Lee Lead", "Status page rules"]


def test_an_organisation_without_an_emergency_contact_links_nothing(world, area) -> None:
    nobody = OrganisationFactory(name="Nobody Home", account_id="NOBODY")
    Contact.objects.filter(organisation=nobody).delete()
    incident = outage()
    with pytest.raises(ValidationError, match="No registered emergency contact at Nobody Home"):
        affected.incident_organisations_link(incident=incident, organisations=[world.alpha, nobody], area=area, actor=world.agent)
    assert not Notice.objects.exists() and not IncidentOrganisation.objects.exists()
    assert not OutboundEmail.objects.filter(event_key__startswith="notice:").exists()


def test_a_resolved_incident_takes_no_new_organisations(client, world, area) -> None:
    incident = outage()
    publishing.incident_resolve(incident=incident)
    client.force_login(world.agent)
    response = link(client, incident, [world.alpha], area)
    assert "This incident is closed" in response.content.decode()
    assert not Notice.objects.exists()


def test_customers_cannot_link_organisations(client, world, area) -> None:
    incident = outage()
    client.force_login(world.alan)
    response = client.post(
        reverse("desk_status:organisations_link", args=[incident.pk]), {"organisations": [world.alpha.pk], "area": area.pk}
    )
    assert response.status_code in (302, 403, 404)
    assert not Notice.objects.exists()


def test_a_notice_that_cannot_take_the_update_does_not_stop_the_resolution(world, area) -> None:
    with time_machine.travel(MONDAY_NIGHT, tick=False) as traveller:
        incident = outage()
        affected.incident_organisations_link(incident=incident, organisations=[world.alpha], area=area, actor=world.agent)
        publishing.incident_update_post(incident=incident, status="monitoring", message="Fixed; watching.")
        type(world.agent).objects.filter(pk=world.agent.pk).update(role="customer")  # the linking agent left support
        traveller.shift(timedelta(minutes=10))
        assert publishing.incidents_resolve_stable() == [incident.pk]

    incident.refresh_from_db()
    assert incident.status == "resolved"
    last = IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.RELAYED).last()
    assert "Not posted, tell them by hand: Alpha Shop" in last.reason


def test_the_admin_shows_the_linked_organisations_read_only(client, world, area) -> None:
    incident = outage()
    affected.incident_organisations_link(incident=incident, organisations=[world.alpha], area=area, actor=world.agent)
    client.force_login(world.admin)
    page = client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).content.decode()
    assert "Affected organisations" in page and "Alpha Shop" in page
    assert 'name="organisation_links-0-organisation"' not in page, "not editable"
