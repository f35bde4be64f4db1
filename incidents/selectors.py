"""What the public may read. Only published incidents ever leave this module."""

from __future__ import annotations

from django.db.models import DateTimeField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from customers.models import Organisation
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


def incidents_open_for(*, organisation: Organisation) -> list[Incident]:
    """Published incidents still open, and maintenance under way, that concern this organisation: one query.

    An incident concerns everyone when it names no component, or touches one
    that every organisation uses (the platform); otherwise only the
    organisations recorded as using one of its components. Each carries
    ``last_update_at``, its latest public update (or when it was detected).
    """
    touched = IncidentComponent.objects.filter(incident=OuterRef("pk"))
    latest = IncidentUpdate.objects.filter(incident=OuterRef("pk")).order_by("-created_at", "-id").values("created_at")[:1]
    return list(
        Incident.objects.filter(published_at__isnull=False)
        .filter(
            Q(kind=Incident.Kind.INCIDENT, status__in=Incident.OPEN_STATUSES)
            | Q(kind=Incident.Kind.MAINTENANCE, status__in=Incident.ACTIVE_MAINTENANCE_STATUSES)
        )
        .filter(
            ~Exists(touched) | Exists(touched.filter(Q(component__used_by_everyone=True) | Q(component__organisations=organisation)))
        )
        .annotate(last_update_at=Coalesce(Subquery(latest, output_field=DateTimeField()), "detected_at"))
        .only("pk", "kind", "title", "status", "impact", "detected_at")
        .order_by("-detected_at", "-id")
    )


def incident_get_public(*, pk: int) -> Incident:
    """One published incident; Incident.DoesNotExist for missing and unpublished alike."""
    return incidents_public().get(pk=pk)


def components_all() -> QuerySet[Component]:
    return Component.objects.select_related("group")


def groups_all() -> QuerySet[ComponentGroup]:
    return ComponentGroup.objects.all()
