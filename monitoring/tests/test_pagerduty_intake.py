"""PagerDuty Events API v2, compatible: an integration changes only its URL; the routing key is our service key."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from incidents.models import Incident, IncidentEvent
from monitoring.models import Alert, ReceivedPayload
from monitoring.tests.conftest import NOON, PD_URL
from notices.models import Notice, NoticeUpdate
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def event(action: str = "trigger", dedup_key: str | None = "checkout-503", **payload: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"event_action": action}
    if dedup_key is not None:
        body["dedup_key"] = dedup_key
    if action == "trigger":
        body["payload"] = {
            "summary": "Checkout answers 503",
            "source": "checkout-eu-1",
            "severity": "critical",
            "component": "checkout",
            "group": "prod",
            "custom_details": {"team": "checkout", "account_id": "ALPHA", "environment": "live1", "error_rate": 0.04},
        } | payload
    return body


@pytest.fixture
def pagerduty(monitor):  # type: ignore[no-untyped-def]
    return lambda body: monitor.post(PD_URL, body, format="json")


@time_machine.travel(NOON, tick=False)
def test_a_trigger_answers_as_pagerduty_and_raises_the_notice_and_incident(pagerduty, world, rule) -> None:
    response = pagerduty(event())

    assert response.status_code == 202, response.content
    assert response.json() == {"status": "success", "message": "Event processed", "dedup_key": "checkout-503"}
    notice, incident = Notice.objects.get(), Incident.objects.get()
    assert notice.organisation == world.alpha and notice.title == "Checkout answers 503"
    assert "error_rate: 0.04" in notice.description
    alert = Alert.objects.get()
    assert alert.source == "pagerduty" and alert.labels["severity"] == "critical" and alert.incident == incident


@time_machine.travel(NOON, tick=False)
def test_a_trigger_with_the_same_dedup_key_updates_the_same_alert(pagerduty, world, rule) -> None:
    pagerduty(event())
    mails = OutboundEmail.objects.count()

    response = pagerduty(event(summary="Checkout answers 503 (still)"))

    assert response.status_code == 202 and response.json()["dedup_key"] == "checkout-503"
    assert Notice.objects.count() == 1 and Incident.objects.count() == 1 and OutboundEmail.objects.count() == mails
    assert Alert.objects.get().summary == "Checkout answers 503 (still)"


@time_machine.travel(NOON, tick=False)
def test_a_trigger_without_dedup_key_gets_one_back(pagerduty, world, rule) -> None:
    first = pagerduty(event(dedup_key=None)).json()["dedup_key"]
    second = pagerduty(event(dedup_key=None)).json()["dedup_key"]

    assert first != second and Alert.objects.filter(key__in=[first, second]).count() == 2
    assert pagerduty(event("resolve", dedup_key=first)).status_code == 202
    assert Alert.objects.get(key=first).state == "resolved"


@time_machine.travel(NOON, tick=False)
def test_acknowledge_marks_the_alert_and_the_incident_timeline_and_mails_nobody(pagerduty, world, rule) -> None:
    pagerduty(event())
    mails = OutboundEmail.objects.count()

    response = pagerduty(event("acknowledge"))

    assert response.status_code == 202 and response.json()["dedup_key"] == "checkout-503"
    assert Alert.objects.get().state == "acknowledged"
    incident = Incident.objects.get()
    assert incident.status == Incident.Status.INVESTIGATING
    assert incident.events.filter(kind=IncidentEvent.Kind.STATUS, reason__startswith="Acknowledged").count() == 1
    assert OutboundEmail.objects.count() == mails and NoticeUpdate.objects.count() == 0
    pagerduty(event())  # PagerDuty keeps an acknowledged incident acknowledged on a new trigger
    assert Alert.objects.get().state == "acknowledged"


@time_machine.travel(NOON, tick=False)
def test_resolve_posts_the_update_and_moves_the_incident_to_monitoring(pagerduty, world, rule) -> None:
    pagerduty(event())
    pagerduty(event("acknowledge"))

    response = pagerduty(event("resolve"))

    assert response.status_code == 202
    assert Alert.objects.get().state == "resolved"
    assert Notice.objects.get().updates.get().body.startswith("Resolved")
    assert Incident.objects.get().status == Incident.Status.MONITORING
    pagerduty(event("resolve"))
    assert NoticeUpdate.objects.count() == 1


def test_acknowledge_or_resolve_of_an_unknown_key_is_accepted_and_does_nothing(pagerduty, world, rule) -> None:
    for action in ("acknowledge", "resolve"):
        response = pagerduty(event(action, dedup_key="never-seen"))
        assert response.status_code == 202
    assert Alert.objects.count() == 0
    assert "nothing to do" in ReceivedPayload.objects.first().outcome


def test_the_routing_key_in_the_body_is_the_credential(service_key, world, rule) -> None:
    anonymous = APIClient()

    accepted = anonymous.post(PD_URL, {**event(), "routing_key": service_key.secret}, format="json")
    refused = anonymous.post(PD_URL, {**event("trigger", "other"), "routing_key": "sdk_wrong"}, format="json")

    assert accepted.status_code == 202
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "not_authenticated"
    assert Alert.objects.count() == 1
    assert ReceivedPayload.objects.get().body["routing_key"] == "[hidden]"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"dedup_key": "x"}, "event_action"),
        ({"event_action": "explode", "dedup_key": "x"}, "event_action"),
        (event("acknowledge", dedup_key=None), "dedup_key"),
        (event("resolve", dedup_key=""), "dedup_key"),
        (event(summary=""), "summary"),
        (event(severity="catastrophic"), "severity"),
        (event(source=None), "source"),
        ({**event(), "payload": "Checkout is down"}, "payload"),
        ({**event(), "urgency": "high"}, "urgency"),
        (event(timestamp="last tuesday"), "timestamp"),
        (event(summary="x" * 1025), "summary"),
        ({"event_action": "resolve", "dedup_key": "existing", "payload": {"summary": 503}}, "summary"),
    ],
)
def test_a_bad_event_is_answered_in_pagerdutys_error_shape_and_changes_nothing(pagerduty, world, rule, body, says) -> None:
    pagerduty(event("trigger", "existing"))
    before = (Alert.objects.get().state, Notice.objects.count(), Incident.objects.count(), OutboundEmail.objects.count())

    response = pagerduty(body)

    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["status"] == "invalid event" and answer["message"] == "Event object is invalid"
    assert any(says in error for error in answer["errors"]), answer["errors"]
    assert answer["error"]["code"] == "validation_error"  # and the API's own error format beside it
    after = (Alert.objects.get().state, Notice.objects.count(), Incident.objects.count(), OutboundEmail.objects.count())
    assert after == before and Alert.objects.count() == 1
    assert ReceivedPayload.objects.order_by("-pk").first().status_code == 400
