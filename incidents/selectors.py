"""What the public may read. Only published incidents ever leave this module."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from incidents.models import Component, ComponentGroup, Incident, IncidentComponent, IncidentUpdate


def incidents_public() -> QuerySet[Incident]:
    """Published incidents and maintenance windows, with their updates and components prefetched."""
    return Incident.objects.filter(published_at__isnull=False).prefetch_related(
        Prefetch("updates", queryset=IncidentUpdate.objects.order_by("-created_at", "-id")),
        Prefetch("affected", queryset=IncidentComponent.objects.select_related("component__group")),
    )


def incidents_unresolved() -> QuerySet[Incident]:
    return incidents_public().filter(kind=Incident.Kind.INCIDENT, status__in=Incident.OPEN_STATUSES).order_by("-detected_at")


def maintenances_public() -> QuerySet[Incident]:
    return incidents_public().filter(kind=Incident.Kind.MAINTENANCE).order_by("-scheduled_for")


def maintenances_upcoming() -> QuerySet[Incident]:
    return maintenances_public().filter(status=Incident.Status.SCHEDULED).order_by("scheduled_for")


def maintenances_active() -> QuerySet[Incident]:
    return maintenances_public().filter(status__in=Incident.ACTIVE_MAINTENANCE_STATUSES).order_by("scheduled_for")


def incident_get_public(*, pk: int) -> Incident:
    """One published incident; Incident.DoesNotExist for missing and unpublished alike."""
    return incidents_public().get(pk=pk)


def components_all() -> QuerySet[Component]:
    return Component.objects.select_related("group")


def groups_all() -> QuerySet[ComponentGroup]:
    return ComponentGroup.objects.all()
