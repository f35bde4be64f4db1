"""What people see of monitoring: agents the alerts (unmatched first), admins the rules, payloads and a trial."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from monitoring.models import Alert, ReceivedPayload, RoutingRule
from monitoring.tests.conftest import AM_URL, NOON, am_alert, am_payload
from notices.models import Notice
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@time_machine.travel(NOON, tick=False)
def test_agents_see_the_alerts_no_rule_matched_with_their_labels_in_constant_queries(client, monitor, world, rule) -> None:
    monitor.post(AM_URL, am_payload(am_alert("stray-1", team="search", shard="eu-7")), format="json")
    monitor.post(AM_URL, am_payload(am_alert("matched-1")), format="json")
    client.force_login(world.agent)

    page = client.get("/desk/monitoring/").content.decode()

    assert "shard=eu-7" in page and "No routing rule matches these labels." in page
    assert "Checkout answers 503" in page and Notice.objects.get().ticket.reference not in page  # the matched one is fine
    everything = client.get("/desk/monitoring/?show=all").content.decode()
    assert Notice.objects.get().ticket.reference in everything
    few = _queries(client, "/desk/monitoring/?show=all")
    for number in range(20):
        monitor.post(AM_URL, am_payload(am_alert(f"more-{number}", account_id="OUTSIDER")), format="json")
    assert _queries(client, "/desk/monitoring/?show=all") == few


def test_customers_never_see_the_alerts(client, world) -> None:
    client.force_login(world.alice)
    assert client.get("/desk/monitoring/").status_code == 403


@time_machine.travel(NOON, tick=False)
def test_the_notice_and_the_incident_show_the_alerts_behind_them(client, monitor, world, rule) -> None:
    monitor.post(AM_URL, am_payload(am_alert("behind-1")), format="json")
    monitor.post(AM_URL, am_payload(am_alert("behind-1", status="resolved")), format="json")
    alert = Alert.objects.get()
    client.force_login(world.agent)

    notice_page = client.get(f"/desk/notices/{alert.notice_id}/").content.decode()
    incident_page = client.get(f"/desk/status/incidents/{alert.incident_id}/").content.decode()

    for page in (notice_page, incident_page):
        assert "Alerts from monitoring" in page and "behind-1" in page and "Resolved" in page
        assert "team=checkout" in page


@time_machine.travel(NOON, tick=False)
def test_the_admin_lists_every_payload_with_its_outcome(client, monitor, world, rule) -> None:
    monitor.post(AM_URL, am_payload(am_alert()), format="json")
    monitor.post(AM_URL, {"version": "4", "alerts": []}, format="json")
    client.force_login(world.admin)

    listing = client.get("/admin/monitoring/receivedpayload/").content.decode()

    assert "Alert raised as" in listing and "Refused, nothing changed" in listing
    refused = ReceivedPayload.objects.get(status_code=400)
    detail = client.get(f"/admin/monitoring/receivedpayload/{refused.pk}/change/").content.decode()
    assert "alerts must be a non-empty list" in detail
    assert client.get("/admin/monitoring/alert/?attention=yes").status_code == 200


@time_machine.travel(NOON, tick=False)
def test_trying_a_payload_in_the_admin_shows_what_each_alert_would_do_and_keeps_nothing(client, world, rule) -> None:
    client.force_login(world.admin)
    payload = am_payload(am_alert("try-1"), am_alert("try-2", team="search"))
    counts = (Alert.objects.count(), Notice.objects.count(), Incident.objects.count(), Ticket.objects.count())

    response = client.post("/admin/monitoring/routingrule/try/", {"source": "alertmanager", "payload": json.dumps(payload)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Alert raised as" in page and "Incident #" in page and "Checkout" in page
    assert "No routing rule matches these labels." in page and "team=search" in page
    assert (Alert.objects.count(), Notice.objects.count(), Incident.objects.count(), Ticket.objects.count()) == counts
    assert ReceivedPayload.objects.count() == 0
    refused = client.post("/admin/monitoring/routingrule/try/", {"source": "pagerduty", "payload": '{"event_action": "x"}'})
    assert "would be refused" in refused.content.decode() and "event_action" in refused.content.decode()


def test_the_trial_is_for_admins_only(client, world) -> None:
    client.force_login(world.agent)
    response = client.get("/admin/monitoring/routingrule/try/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_rule_with_a_broken_matcher_is_refused_in_the_admin(client, world, area) -> None:
    client.force_login(world.admin)

    response = client.post(
        "/admin/monitoring/routingrule/add/",
        {
            "name": "Broken",
            "order": "1",
            "active": "on",
            "matchers": "team=~(unclosed",
            "notice_kind": "alert",
            "area": area.pk,
            "organisation_label": "account_id",
            "environment_label": "environment",
            "impact": "partial_outage",
            "cause": "unknown",
        },
    )

    assert response.status_code == 200 and "not a regular expression" in response.content.decode()
    assert not RoutingRule.objects.filter(name="Broken").exists()


def test_a_service_key_opens_no_page(client, world, service_key) -> None:
    """The key is an API credential for monitoring's routes; pages, the desk and the admin ignore it."""
    headers = {"Authorization": f"Bearer {service_key.secret}"}
    for url in ("/desk/", "/desk/monitoring/", "/desk/notices/", "/portal/", "/admin/", "/admin/monitoring/servicekey/"):
        response = client.get(url, headers=headers)
        assert response.status_code == 302 and "login" in response["Location"], url
