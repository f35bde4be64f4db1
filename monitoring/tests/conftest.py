from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from incidents.models import Component
from incidents.tests.factories import component
from monitoring.models import RoutingRule, ServiceKey
from monitoring.tests.factories import RoutingRuleFactory, ServiceKeyFactory
from notices.models import ProductArea

AM_URL = "/api/v1/monitoring/alertmanager/"
PD_URL = "/api/v1/monitoring/pagerduty/"


@pytest.fixture
def service_key(db) -> ServiceKey:  # type: ignore[no-untyped-def]
    return ServiceKeyFactory(name="Prometheus")


@pytest.fixture
def monitor(service_key) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {service_key.secret}")
    return client


@pytest.fixture
def area(db) -> ProductArea:  # type: ignore[no-untyped-def]
    return ProductArea.objects.get_or_create(name="Query API")[0]


@pytest.fixture
def checkout(db) -> Component:  # type: ignore[no-untyped-def]
    return component("Checkout API", group="Platform")


@pytest.fixture
def rule(world, area, checkout) -> RoutingRule:  # type: ignore[no-untyped-def]
    """team=checkout: an Alert to the organisation in the account_id label, and an incident on Checkout API."""
    return RoutingRuleFactory(
        name="Checkout",
        matchers='team="checkout"',
        notice_kind="alert",
        area=area,
        components=[checkout],
        impact="major_outage",
    )


def am_alert(
    fingerprint: str = "a1b2c3",
    status: str = "firing",
    *,
    starts_at: str = "2026-12-02T09:00:00Z",
    ends_at: str = "0001-01-01T00:00:00Z",
    **labels: str,
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": "CheckoutErrors", "team": "checkout", "account_id": "ALPHA", "environment": "live1", **labels},
        "annotations": {"summary": "Checkout answers 503", "description": "4% of checkout requests fail."},
        "startsAt": starts_at,
        "endsAt": ends_at,
        "generatorURL": "http://prometheus.example/graph",
        "fingerprint": fingerprint,
    }


def am_payload(*alerts: dict[str, Any]) -> dict[str, Any]:
    statuses = {alert["status"] for alert in alerts}
    return {
        "version": "4",
        "groupKey": '{}:{alertname="CheckoutErrors"}',
        "truncatedAlerts": 0,
        "status": "firing" if "firing" in statuses else "resolved",
        "receiver": "desk",
        "groupLabels": {"alertname": "CheckoutErrors"},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example",
        "alerts": list(alerts),
    }


NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
