"""The status page's current picture: component statuses, the overall indicator, uptime history.

Only published incidents count; an incident that is not public yet changes
nothing the public can see. The rules are in ``incidents.rollup``; this module
only gathers the rows they need, in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from incidents import rollup
from incidents.models import Component, ComponentGroup, ComponentStatus, Incident, IncidentComponent

HISTORY_DAYS = 90


@dataclass(frozen=True)
class Bar:
    css: str
    title: str


@dataclass
class ComponentView:
    component: Component
    status: str
    days: list[rollup.Day] = field(default_factory=list)
    uptime: float = 1.0

    @property
    def status_label(self) -> str:
        return str(ComponentStatus(self.status).label)

    @property
    def uptime_percent(self) -> str:
        return number_format(self.uptime * 100, decimal_pos=2)  # 99.95 in English, 99,95 in Spanish

    @property
    def bars(self) -> list[Bar]:
        """One bar per day, oldest first, with words for those who cannot see the colour."""
        result = []
        for day in self.days:
            when = date_format(day.day, "DATE_FORMAT")
            if not day.counted:
                result.append(Bar("none", _("%(day)s: no data") % {"day": when}))
                continue
            label = _("No incidents") if day.status == rollup.OPERATIONAL else ComponentStatus(day.status).label
            result.append(Bar(day.status, f"{when}: {label} · {number_format(day.uptime * 100, decimal_pos=2)} %"))
        return result


@dataclass
class GroupView:
    group: ComponentGroup | None
    components: list[ComponentView]

    @property
    def status(self) -> str:
        return rollup.worst(c.status for c in self.components)

    @property
    def status_label(self) -> str:
        return str(ComponentStatus(self.status).label)


@dataclass
class Picture:
    indicator: str
    description: str
    statuses: dict[int, str]  # component id -> current status
    groups: list[GroupView]
    updated_at: datetime


def _open_impacts() -> tuple[dict[int, list[str]], set[int], list[str]]:
    """Impacts of open published incidents per component, components in active maintenance, impacts of open incidents."""
    rows = IncidentComponent.objects.filter(
        Q(incident__kind=Incident.Kind.INCIDENT, incident__status__in=Incident.OPEN_STATUSES)
        | Q(incident__kind=Incident.Kind.MAINTENANCE, incident__status__in=Incident.ACTIVE_MAINTENANCE_STATUSES),
        incident__published_at__isnull=False,
    ).values_list("component_id", "impact", "incident__kind")
    impacts: dict[int, list[str]] = defaultdict(list)
    maintenance: set[int] = set()
    for component_id, impact, kind in rows:
        if kind == Incident.Kind.MAINTENANCE:
            maintenance.add(component_id)
        else:
            impacts[component_id].append(impact)
    open_impacts = list(
        Incident.objects.filter(
            kind=Incident.Kind.INCIDENT,
            status__in=Incident.OPEN_STATUSES,
            published_at__isnull=False,
        ).values_list("impact", flat=True)
    )
    return impacts, maintenance, open_impacts


def current_statuses(components: list[Component]) -> tuple[dict[int, str], list[str]]:
    impacts, maintenance, open_impacts = _open_impacts()
    statuses = {
        c.pk: rollup.component_status(own=c.status, incident_impacts=impacts.get(c.pk, ()), in_maintenance=c.pk in maintenance)
        for c in components
    }
    return statuses, open_impacts


def _outages(since: datetime) -> dict[int, list[rollup.Outage]]:
    rows = (
        IncidentComponent.objects.filter(
            Q(incident__resolved_at__isnull=True) | Q(incident__resolved_at__gte=since),
            incident__published_at__isnull=False,
        )
        .exclude(incident__kind=Incident.Kind.MAINTENANCE, incident__status=Incident.Status.SCHEDULED)
        .values_list(
            "component_id",
            "impact",
            "incident__kind",
            "incident__detected_at",
            "incident__scheduled_for",
            "incident__resolved_at",
        )
    )
    result: dict[int, list[rollup.Outage]] = defaultdict(list)
    for component_id, impact, kind, detected_at, scheduled_for, resolved_at in rows:
        start = scheduled_for if kind == Incident.Kind.MAINTENANCE else detected_at
        result[component_id].append(rollup.Outage(impact, start, resolved_at))
    return result


def history_days(now: datetime, count: int = HISTORY_DAYS) -> list[date]:
    today = now.astimezone(UTC).date()
    return [today - timedelta(days=offset) for offset in range(count - 1, -1, -1)]


def last_change(components: list[Component] | None = None) -> datetime:
    """When anything public last changed: a component or a published incident."""
    component_times: Iterable[datetime]
    if components is None:
        component_times = Component.objects.order_by("-updated_at").values_list("updated_at", flat=True)[:1]
    else:
        component_times = [c.updated_at for c in components]
    incident_times = Incident.objects.filter(published_at__isnull=False).order_by("-updated_at").values_list("updated_at", flat=True)
    return max([*component_times, *incident_times[:1]], default=timezone.now())


def _group_order(view: GroupView) -> tuple[bool, int, str]:
    return (view.group is None, view.group.order if view.group else 0, view.group.name if view.group else "")


def picture(*, with_history: bool = True) -> Picture:
    """The whole page's state now: 4 queries, whatever the number of components and incidents."""
    now = timezone.now()
    components = list(Component.objects.select_related("group").filter(showcase=True))
    statuses, open_impacts = current_statuses(components)
    indicator, description = rollup.page_status(statuses.values(), open_impacts)
    days = history_days(now)
    start = datetime(days[0].year, days[0].month, days[0].day, tzinfo=UTC)
    outages = _outages(start) if with_history else {}

    grouped: dict[int | None, GroupView] = {}
    for component in components:
        status = statuses[component.pk]
        if component.only_show_if_degraded and status == rollup.OPERATIONAL:
            continue
        view = ComponentView(component, status)
        if with_history:
            since = component.created_at
            if component.start_date:
                since = datetime(component.start_date.year, component.start_date.month, component.start_date.day, tzinfo=UTC)
            view.days = rollup.daily_history(outages=outages.get(component.pk, []), days=days, now=now, since=since)
            view.uptime = rollup.uptime(view.days)
        key = component.group_id
        if key not in grouped:
            grouped[key] = GroupView(component.group, [])
        grouped[key].components.append(view)
    groups = sorted(grouped.values(), key=_group_order)
    updated = last_change(components)
    return Picture(indicator, description, statuses, groups, updated)
