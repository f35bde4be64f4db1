"""Demo routing rules: what the demo's Prometheus alerts would mean. Idempotent; no service key (its secret is the admin's)."""

from __future__ import annotations

from django.db import transaction

from incidents.models import Component
from monitoring.models import RoutingRule
from notices.models import ProductArea

# (name, order, matchers, notice kind, product area, component group, component, impact, cause)
RULES = [
    (
        "Query API errors, per customer",
        10,
        'service="query-api"\nseverity=~"critical|page"',
        "alert",
        "Query API",
        "Search & merchandising · live1",
        "Query API",
        "degraded_performance",
        "unknown",
    ),
    ("Data API trigger delays, per customer", 20, 'service="data-api"', "warning", "Data API", "", "", "", ""),
    (
        "Label creation down, for everyone",
        30,
        'alertname="LabelCreationFailing"',
        "",
        "",
        "Platform",
        "Label creation",
        "major_outage",
        "unknown",
    ),
]


@transaction.atomic
def seed() -> None:
    for name, order, matchers, kind, area_name, group, component_name, impact, cause in RULES:
        area = ProductArea.objects.filter(name=area_name).first() if area_name else None
        rule, created = RoutingRule.objects.get_or_create(
            name=name,
            defaults={
                "order": order,
                "matchers": matchers,
                "notice_kind": kind,
                "area": area,
                "impact": impact or "partial_outage",
                "cause": cause or "unknown",
            },
        )
        if created and component_name:
            rule.components.set(Component.objects.filter(group__name=group, name=component_name))
