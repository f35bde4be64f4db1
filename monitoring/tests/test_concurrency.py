"""Two deliveries of one new alert at the same moment (two Alertmanagers of a cluster, a retry racing the first try)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from monitoring.models import Alert
from monitoring.payloads import ALERTMANAGER, alertmanager_parse
from monitoring.routing import rules_active
from monitoring.services import payload_receive
from monitoring.tests.conftest import am_alert, am_payload
from monitoring.tests.factories import RoutingRuleFactory, ServiceKeyFactory
from notices.models import Notice, ProductArea
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.usefixtures("need_postgres", "shipped_defaults")


def test_simultaneous_deliveries_of_a_new_fingerprint_raise_one_notice_and_one_incident() -> None:
    from incidents.tests.factories import component

    OrganisationFactory(name="Alpha Shop", account_id="ALPHA")
    RoutingRuleFactory(
        name="Checkout",
        notice_kind="alert",
        area=ProductArea.objects.get_or_create(name="Query API")[0],
        components=[component("Checkout API")],
    )
    key = ServiceKeyFactory(name="Alertmanager")
    body = am_payload(am_alert("race-1"))
    assert alertmanager_parse(body) and rules_active()
    start, errors = threading.Barrier(4), []

    def deliver() -> None:
        try:
            start.wait(timeout=10)
            payload_receive(service_key=key, source=ALERTMANAGER, body=body)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    alert = Alert.objects.get()
    assert alert.times_received == 4 and alert.notice is not None and alert.incident is not None
    assert Notice.objects.count() == 1 and alert.incident.__class__.objects.count() == 1
