"""What the support team and monitoring read: every incident, published or not.

Callers must already know the reader is support staff or a service key (the
API's permissions say so); the public reads through ``incidents.selectors``.
Incidents and components are the vendor's, not a tenant's, so there is no
organisation to scope by.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from incidents.models import Component, Incident, IncidentComponent, IncidentUpdate


def incidents_for_support() -> QuerySet[Incident]:
    return Incident.objects.prefetch_related(
        Prefetch("affected", queryset=IncidentComponent.objects.select_related("component").order_by("component__name")),
    ).order_by("-detected_at", "-id")


def incident_get_for_support(*, incident_id: int) -> Incident:
    try:
        return incidents_for_support().get(pk=incident_id)
    except Incident.DoesNotExist as exc:
        raise Http404 from exc


def incident_updates_of(*, incident: Incident) -> QuerySet[IncidentUpdate]:
    return IncidentUpdate.objects.filter(incident=incident).order_by("-created_at", "-id")


def components_for_support() -> QuerySet[Component]:
    return Component.objects.select_related("group")


def components_by_id(*, ids: Iterable[int]) -> dict[int, Component]:
    return {component.pk: component for component in components_for_support().filter(pk__in=list(ids))}
