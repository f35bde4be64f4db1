"""Debian's Prometheus Alertmanager, for real, sending its webhook to the live test server.

Alerts go into Alertmanager's own API, as Prometheus sends them; its grouping,
group interval and repeat interval re-send them; the desk must end with exactly
one notice and one incident per fingerprint, and resolving in Alertmanager
must resolve ours.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from incidents import publishing
from incidents.models import Incident
from monitoring.models import Alert, ReceivedPayload
from monitoring.tests.conftest import AM_URL
from monitoring.tests.factories import RoutingRuleFactory, ServiceKeyFactory
from notices.models import Notice, NoticeUpdate, ProductArea
from tests.alertmanager import alertmanager, payload_arrivals
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.usefixtures("need_alertmanager", "shipped_defaults")


def _alert(instance: str, *, ends_at: datetime | None = None) -> dict[str, object]:
    alert: dict[str, object] = {
        "labels": {
            "alertname": "CheckoutErrors",
            "team": "checkout",
            "account_id": "AM-ALPHA",
            "environment": "live1",
            "instance": instance,
        },
        "annotations": {"summary": f"Checkout answers 503 on {instance}", "description": "4% of requests fail."},
        "startsAt": (datetime.now(UTC) - timedelta(minutes=2)).isoformat(),
        "generatorURL": "http://prometheus.example/graph",
    }
    if ends_at is not None:
        alert["endsAt"] = ends_at.isoformat()
    return alert


def test_alertmanager_fires_repeats_and_resolves_into_one_notice_and_one_incident_per_fingerprint(
    live_server,
    smtp,
) -> None:
    from incidents.tests.factories import component

    alpha = OrganisationFactory(name="Alpha Shop", account_id="AM-ALPHA")
    area = ProductArea.objects.get_or_create(name="Query API")[0]
    RoutingRuleFactory(
        name="Checkout",
        matchers='team="checkout"',
        notice_kind="alert",
        area=area,
        components=[component("Checkout API")],
        impact="major_outage",
    )
    key = ServiceKeyFactory(name="Alertmanager")
    instances = ["eu-1", "eu-2"]

    with payload_arrivals() as arrivals, alertmanager(webhook_url=live_server.url + AM_URL, service_key=key.secret) as am:
        am.alerts_post([_alert(instance) for instance in instances])
        arrivals.wait_until(
            lambda: Alert.objects.filter(notice__isnull=False, incident__isnull=False).count() == 2,
            what="both alerts raised a notice and opened an incident",
        )

        # Prometheus re-sends firing alerts; Alertmanager repeats the group every repeat interval.
        am.alerts_post([_alert(instance) for instance in instances])
        seen = ReceivedPayload.objects.count()
        arrivals.wait_until(lambda: ReceivedPayload.objects.count() >= seen + 2, what="two more deliveries of the group")
        assert Notice.objects.count() == 2 and Incident.objects.count() == 2
        assert all(alert.times_received >= 2 for alert in Alert.objects.all())
        assert NoticeUpdate.objects.count() == 0
        assert set(ReceivedPayload.objects.values_list("status_code", flat=True)) == {200}

        am.alerts_post([_alert(instance, ends_at=datetime.now(UTC) - timedelta(seconds=1)) for instance in instances])
        arrivals.wait_until(lambda: Alert.objects.filter(state="resolved").count() == 2, what="both alerts resolved")

    alerts = list(Alert.objects.select_related("notice", "incident"))
    assert len({alert.key for alert in alerts}) == 2  # Alertmanager's fingerprints, one per label set
    assert Notice.objects.count() == 2 and Incident.objects.count() == 2
    for alert in alerts:
        assert alert.notice.organisation == alpha and alert.notice.updates.get().body.startswith("Resolved")
        assert alert.incident.status == Incident.Status.MONITORING
    # Each notice went once to the emergency contact and once to the list, and so did its resolved update.
    received = smtp.wait_for(8)
    assert len(received) == 8
    delivered = Counter(address for message in received for address in message.envelope_to)
    assert delivered == {"emergency@am-alpha.example": 4, "ops-list@am-alpha.example": 4}

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=11)):
        resolved = publishing.incidents_resolve_stable()
    assert sorted(resolved) == sorted(alert.incident_id for alert in alerts)
    assert set(Incident.objects.values_list("status", flat=True)) == {Incident.Status.RESOLVED}
