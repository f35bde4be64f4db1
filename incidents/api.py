"""The status page as JSON, in the shapes of the public Atlassian Statuspage API v2.

Widgets and tools written for Statuspage (``/api/v2/summary.json`` and its
siblings) read ours unchanged: same field names, same enum values, ids as
strings, times in ISO 8601. Read-only, anonymous, CORS-open, cached per change.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from incidents import cache, page, rollup, selectors
from incidents.models import Component, ComponentGroup, Incident, IncidentUpdate

LIST_SIZE = 50


def page_id() -> str:
    return getattr(settings, "STATUS_PAGE_ID", "") or slugify(settings.VENDOR_NAME) or "status"


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _page(updated_at: datetime) -> dict[str, Any]:
    return {
        "id": page_id(),
        "name": settings.VENDOR_NAME,
        "url": f"{settings.SITE_URL}{reverse('status:index')}",
        "time_zone": "Etc/UTC",
        "updated_at": _time(updated_at),
    }


def _component(component: Component, status: str, position: int) -> dict[str, Any]:
    return {
        "id": component.public_id,
        "name": component.name,
        "status": status,
        "created_at": _time(component.created_at),
        "updated_at": _time(component.updated_at),
        "position": position,
        "description": component.description or None,
        "showcase": component.showcase,
        "start_date": _day(component.start_date),
        "group_id": component.group.public_id if component.group is not None else None,
        "page_id": page_id(),
        "group": False,
        "only_show_if_degraded": component.only_show_if_degraded,
    }


def _group(group: ComponentGroup, children: list[Component], statuses: dict[int, str], position: int) -> dict[str, Any]:
    return {
        "id": group.public_id,
        "name": group.name,
        "status": rollup.worst(statuses[c.pk] for c in children),
        "created_at": _time(group.created_at),
        "updated_at": _time(group.updated_at),
        "position": position,
        "description": group.description or None,
        "showcase": False,
        "start_date": None,
        "group_id": None,
        "page_id": page_id(),
        "group": True,
        "only_show_if_degraded": False,
        "components": [c.public_id for c in children],
    }


def _components() -> tuple[list[dict[str, Any]], dict[int, str], list[str]]:
    """Every component, each group followed by its members, positions counted from 1."""
    components = list(selectors.components_all())
    statuses, open_impacts = page.current_statuses(components)
    members: dict[int | None, list[Component]] = {}
    for component in components:
        members.setdefault(component.group_id, []).append(component)
    result: list[dict[str, Any]] = []
    for group in selectors.groups_all():
        children = members.get(group.pk, [])
        if not children:
            continue
        result.append(_group(group, children, statuses, len(result) + 1))
        for child in children:
            result.append(_component(child, statuses[child.pk], len(result) + 1))
    for loose in members.get(None, []):
        result.append(_component(loose, statuses[loose.pk], len(result) + 1))
    return result, statuses, open_impacts


def _update(update: IncidentUpdate) -> dict[str, Any]:
    return {
        "id": update.public_id,
        "status": update.status,
        "body": update.message,
        "incident_id": str(update.incident_id),
        "created_at": _time(update.created_at),
        "updated_at": _time(update.updated_at),
        "display_at": _time(update.created_at),
        "affected_components": update.affected_components or None,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def _incident(incident: Incident, statuses: dict[int, str]) -> dict[str, Any]:
    affected = [item.component for item in incident.affected.all()]
    data: dict[str, Any] = {
        "id": str(incident.pk),
        "name": incident.title,
        "status": incident.status,
        "created_at": _time(incident.published_at if incident.published_at else incident.created_at),
        "updated_at": _time(incident.updated_at),
        "monitoring_at": _time(incident.monitoring_at),
        "resolved_at": _time(incident.resolved_at),
        "impact": incident.impact,
        "shortlink": f"{settings.SITE_URL}{reverse('status:incident', args=[incident.pk])}",
        "started_at": _time(incident.started_at),
        "page_id": page_id(),
        "incident_updates": [_update(u) for u in incident.updates.all()],
        "components": [_component(c, statuses.get(c.pk, c.status), i + 1) for i, c in enumerate(affected)],
    }
    if incident.is_maintenance:
        data["scheduled_for"] = _time(incident.scheduled_for)
        data["scheduled_until"] = _time(incident.scheduled_until)
    return data


def _incidents(incidents: Iterable[Incident], statuses: dict[int, str]) -> list[dict[str, Any]]:
    return [_incident(incident, statuses) for incident in incidents]


def _statuses() -> dict[int, str]:
    statuses, _open = page.current_statuses(list(selectors.components_all()))
    return statuses


def _updated_at() -> datetime:
    return page.last_change()


# --- Documents -----------------------------------------------------------------------------


def status_document() -> dict[str, Any]:
    statuses, open_impacts = page.current_statuses(list(selectors.components_all()))
    indicator, description = rollup.page_status(statuses.values(), open_impacts)
    return {"page": _page(_updated_at()), "status": {"indicator": indicator, "description": description}}


def summary_document() -> dict[str, Any]:
    components, statuses, open_impacts = _components()
    indicator, description = rollup.page_status(statuses.values(), open_impacts)
    maintenances = list(selectors.maintenances_active()) + list(selectors.maintenances_upcoming())
    return {
        "page": _page(_updated_at()),
        "components": components,
        "incidents": _incidents(selectors.incidents_unresolved(), statuses),
        "scheduled_maintenances": _incidents(maintenances, statuses),
        "status": {"indicator": indicator, "description": description},
    }


def components_document() -> dict[str, Any]:
    components, _statuses, _open = _components()
    return {"page": _page(_updated_at()), "components": components}


def incidents_document() -> dict[str, Any]:
    incidents = selectors.incidents_public().filter(kind=Incident.Kind.INCIDENT).order_by("-detected_at", "-id")[:LIST_SIZE]
    return {"page": _page(_updated_at()), "incidents": _incidents(incidents, _statuses())}


def unresolved_document() -> dict[str, Any]:
    return {"page": _page(_updated_at()), "incidents": _incidents(selectors.incidents_unresolved(), _statuses())}


def maintenances_document() -> dict[str, Any]:
    return {
        "page": _page(_updated_at()),
        "scheduled_maintenances": _incidents(selectors.maintenances_public()[:LIST_SIZE], _statuses()),
    }


def upcoming_document() -> dict[str, Any]:
    return {"page": _page(_updated_at()), "scheduled_maintenances": _incidents(selectors.maintenances_upcoming(), _statuses())}


def active_document() -> dict[str, Any]:
    return {"page": _page(_updated_at()), "scheduled_maintenances": _incidents(selectors.maintenances_active(), _statuses())}


# --- Views --------------------------------------------------------------------------------------

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Max-Age": "86400",
}


def _json_view(name: str, build: Callable[[], dict[str, Any]]) -> Callable[[HttpRequest], HttpResponse]:
    @login_not_required
    @require_http_methods(["GET", "HEAD", "OPTIONS"])
    def view(request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        else:
            body = cache.cached(f"api:{name}", lambda: json.dumps(build(), ensure_ascii=False).encode())
            response = HttpResponse(body, content_type="application/json")
        for header, value in CORS_HEADERS.items():
            response[header] = value
        return response

    view.__name__ = f"{name}_json"
    return view


status_json = _json_view("status", status_document)
summary_json = _json_view("summary", summary_document)
components_json = _json_view("components", components_document)
incidents_json = _json_view("incidents", incidents_document)
unresolved_json = _json_view("unresolved", unresolved_document)
maintenances_json = _json_view("maintenances", maintenances_document)
upcoming_json = _json_view("upcoming", upcoming_document)
active_json = _json_view("active", active_document)
