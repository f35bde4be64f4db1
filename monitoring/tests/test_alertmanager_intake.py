"""Alertmanager's webhook: each alert on its own, known by its fingerprint, through the routing rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from api.tests.conftest import token_client
from incidents import publishing
from incidents.models import Incident
from monitoring.models import Alert, ReceivedPayload
from monitoring.tests.conftest import AM_URL, NOON, am_alert, am_payload
from monitoring.tests.factories import RoutingRuleFactory
from notices.models import Notice, NoticeUpdate
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def send(monitor, *alerts):  # type: ignore[no-untyped-def]
    return monitor.post(AM_URL, am_payload(*alerts), format="json")


@time_machine.travel(NOON, tick=False)
def test_a_firing_alert_raises_an_alert_for_its_organisation_and_opens_an_unpublished_incident(
    monitor,
    world,
    rule,
    checkout,
) -> None:
    response = send(monitor, am_alert())

    assert response.status_code == 200, response.content
    answer = response.json()["alerts"][0]
    notice = Notice.objects.get()
    assert answer["notice"] == notice.ticket.reference and answer["state"] == "firing"
    assert notice.organisation == world.alpha and notice.kind == "alert" and notice.environment.name == "live1"
    assert notice.title == "Checkout answers 503" and "4% of checkout requests fail." in notice.description
    assert notice.ticket.requester_contact.email == "emergency@alpha.example"
    assert notice.service_key.name == "Prometheus"
    incident = Incident.objects.get()
    assert incident.source == Incident.Source.MONITORING and incident.published_at is None
    assert incident.affected.get().component == checkout and incident.affected.get().impact == "major_outage"
    assert incident.detected_at.isoformat() == "2026-12-02T09:00:00+00:00"
    alert = Alert.objects.get()
    assert (alert.key, alert.notice, alert.incident, alert.rule, alert.problem) == ("a1b2c3", notice, incident, rule, "")
    # Started three hours ago: the 30-minute gate has passed, so the next sweep publishes it.
    assert publishing.incidents_publish_due() == [incident.pk]
    payload = ReceivedPayload.objects.get()
    assert payload.status_code == 200 and notice.ticket.reference in payload.outcome
    assert list(payload.alerts.all()) == [alert]


@time_machine.travel(NOON, tick=False)
def test_resending_a_firing_alert_opens_nothing_new_and_mails_nobody_again(monitor, world, rule) -> None:
    send(monitor, am_alert())
    mails = OutboundEmail.objects.count()

    for _repeat in range(3):
        response = send(monitor, am_alert())
        assert response.status_code == 200
        assert response.json()["alerts"][0]["outcome"] == "Still firing: nothing new."

    assert Notice.objects.count() == 1 and Incident.objects.count() == 1 and NoticeUpdate.objects.count() == 0
    assert OutboundEmail.objects.count() == mails > 0
    assert Alert.objects.get().times_received == 4 and ReceivedPayload.objects.count() == 4


@time_machine.travel(NOON, tick=False)
def test_each_alert_of_a_group_is_handled_on_its_own(monitor, world, rule) -> None:
    response = send(
        monitor,
        am_alert("alpha-1"),
        am_alert("nobody-1", account_id="NO-SUCH-ACCOUNT"),
        am_alert("outsider-1", account_id="OUTSIDER"),
    )

    assert response.status_code == 200
    by_key = {alert.key: alert for alert in Alert.objects.all()}
    assert by_key["alpha-1"].notice.organisation == world.alpha
    assert by_key["outsider-1"].notice.organisation == world.outsider
    assert by_key["nobody-1"].notice is None and "NO-SUCH-ACCOUNT" in by_key["nobody-1"].problem
    # The incident needs no organisation: each fingerprint opened its own.
    assert Incident.objects.count() == 3 and Notice.objects.count() == 2


@time_machine.travel(NOON, tick=False)
def test_resolved_posts_an_update_and_the_ten_stable_minutes_resolve_the_incident(monitor, world, rule) -> None:
    send(monitor, am_alert())
    notice, incident = Notice.objects.get(), Incident.objects.get()

    response = send(monitor, am_alert(status="resolved", ends_at="2026-12-02T11:59:00Z"))

    assert response.status_code == 200
    alert = Alert.objects.get()
    assert alert.state == "resolved" and alert.ends_at.isoformat() == "2026-12-02T11:59:00+00:00"
    update = notice.updates.get()
    assert update.body.startswith("Resolved") and update.author_label == "Prometheus"
    assert OutboundEmail.objects.filter(event_key=update.event_key).count() == 2  # the emergency contact and the list
    incident.refresh_from_db()
    assert incident.status == Incident.Status.MONITORING
    send(monitor, am_alert(status="resolved"))  # resent: nothing more
    assert notice.updates.count() == 1
    with time_machine.travel(NOON + timedelta(minutes=9), tick=False):
        assert publishing.incidents_resolve_stable() == []
    with time_machine.travel(NOON + timedelta(minutes=11), tick=False):
        assert publishing.incidents_resolve_stable() == [incident.pk]
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED


@time_machine.travel(NOON, tick=False)
def test_firing_again_inside_the_ten_minutes_cancels_the_resolution(monitor, world, rule) -> None:
    send(monitor, am_alert())
    send(monitor, am_alert(status="resolved"))
    incident = Incident.objects.get()

    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        response = send(monitor, am_alert())
    assert response.status_code == 200

    incident.refresh_from_db()
    assert incident.status == Incident.Status.INVESTIGATING and incident.monitoring_at is None
    with time_machine.travel(NOON + timedelta(minutes=15), tick=False):
        assert publishing.incidents_resolve_stable() == []
    assert Incident.objects.count() == 1 and Notice.objects.count() == 1
    assert [u.body.split(":")[0] for u in Notice.objects.get().updates.all()] == ["Resolved", "Our monitoring sees the problem again"]
    assert Alert.objects.get().state == "firing"


@time_machine.travel(NOON, tick=False)
def test_firing_after_the_incident_closed_opens_a_new_incident_on_the_same_notice(monitor, world, rule) -> None:
    send(monitor, am_alert())
    send(monitor, am_alert(status="resolved"))
    with time_machine.travel(NOON + timedelta(minutes=11), tick=False):
        publishing.incidents_resolve_stable()
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        send(monitor, am_alert())

    assert Incident.objects.count() == 2 and Notice.objects.count() == 1
    assert Alert.objects.get().incident == Incident.objects.filter(status="investigating").get()


@time_machine.travel(NOON, tick=False)
def test_an_alert_no_rule_matches_is_kept_with_its_labels(monitor, world, rule) -> None:
    response = send(monitor, am_alert("stray", team="search", shard="eu-7"))

    assert response.status_code == 200
    alert = Alert.objects.get()
    assert alert.rule is None and alert.notice is None and alert.incident is None
    assert alert.problem == "No routing rule matches these labels."
    assert alert.labels["shard"] == "eu-7" and alert.labels["team"] == "search"
    assert Notice.objects.count() == 0 and Incident.objects.count() == 0


@time_machine.travel(NOON, tick=False)
def test_a_rule_added_later_picks_up_the_alert_when_it_is_sent_again(monitor, world, rule, area) -> None:
    send(monitor, am_alert("stray", team="search"))
    RoutingRuleFactory(name="Search", matchers="team=search", notice_kind="warning", area=area)

    send(monitor, am_alert("stray", team="search"))

    alert = Alert.objects.get()
    assert alert.notice.kind == "warning" and alert.problem == ""


@time_machine.travel(NOON, tick=False)
def test_an_organisation_without_an_emergency_contact_is_listed_and_the_incident_still_opens(monitor, world, rule) -> None:
    world.alpha.contacts.update(emergency_role="none")

    send(monitor, am_alert())

    alert = Alert.objects.get()
    assert alert.notice is None and "emergency contact" in alert.problem and alert.incident is not None


@time_machine.travel(NOON, tick=False)
def test_a_code_change_publishes_the_incident_at_once(monitor, world, rule) -> None:
    rule.cause = "code_change"
    rule.save()

    send(monitor, am_alert(starts_at="2026-12-02T11:59:00Z"))

    assert Incident.objects.get().published_at is not None


@pytest.mark.parametrize(
    "body",
    [
        {"version": "3", "alerts": [am_alert()]},
        {"version": "4", "alerts": []},
        {"version": "4", "alerts": [{**am_alert(), "status": "burning"}]},
        {"version": "4", "alerts": [am_alert(), {**am_alert("b"), "fingerprint": ""}]},
        {"version": "4", "alerts": [{**am_alert(), "startsAt": "yesterday"}]},
        {"version": "4", "alerts": [{**am_alert(), "labels": {"team": 7}}]},
        ["not", "an", "object"],
    ],
)
def test_a_payload_that_is_not_alertmanagers_is_refused_and_changes_nothing(monitor, world, rule, body) -> None:
    response = monitor.post(AM_URL, body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "validation_error" and response.json()["error"]["fields"]["alerts"]
    assert Alert.objects.count() == 0 and Notice.objects.count() == 0 and Incident.objects.count() == 0
    assert ReceivedPayload.objects.get().status_code == 400


def test_a_body_that_is_not_json_is_refused_and_kept_for_the_admin(monitor, world) -> None:
    response = monitor.post(AM_URL, "alerts: firing", content_type="application/json")

    assert response.status_code == 400
    assert ReceivedPayload.objects.get().raw == "alerts: firing"


def test_only_a_service_key_sends_alerts(world, rule) -> None:
    for user in (world.agent, world.admin, world.alan):
        response = token_client(user).post(AM_URL, am_payload(am_alert()), format="json")
        assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert Alert.objects.count() == 0 and ReceivedPayload.objects.count() == 0
