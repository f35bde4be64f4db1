"""The public status page: no login, read-only, cached.

Each page's body is rendered once per (change, language, timezone) and kept
in the cache; the frame around it (header, who is signed in) is rendered per
request, so nothing personal is ever cached.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from incidents import cache, page, selectors
from incidents.models import Incident

INDICATOR_LABELS = {
    "none": _("All systems operational"),
    "minor": _("Minor service outage"),
    "major": _("Partial system outage"),
    "critical": _("Major service outage"),
    "maintenance": _("Service under maintenance"),
}
PAST_DAYS = 7
HISTORY_PAGE_SIZE = 20


def _variant() -> str:
    return f"{translation.get_language()}:{timezone.get_current_timezone_name()}"


def _frame(request: HttpRequest, template: str, body: str, context: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, template, {"body": body, **(context or {})})


def _index_body() -> str:
    picture = page.picture()
    now = timezone.now()
    past = (
        selectors.incidents_public()
        .filter(kind=Incident.Kind.INCIDENT, status=Incident.Status.RESOLVED, resolved_at__gte=now - timedelta(days=PAST_DAYS))
        .order_by("-detected_at")
    )
    return render_to_string(
        "status/_index.html",
        {
            "picture": picture,
            "headline": INDICATOR_LABELS[picture.indicator],
            "unresolved": list(selectors.incidents_unresolved()),
            "active": list(selectors.maintenances_active()),
            "upcoming": list(selectors.maintenances_upcoming()),
            "past": list(past),
            "past_days": PAST_DAYS,
        },
    )


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    body = cache.cached(f"index:{_variant()}", _index_body)
    return _frame(request, "status/index.html", body)


@login_not_required
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("page", "1")

    def build() -> str:
        incidents = selectors.incidents_public().exclude(status=Incident.Status.SCHEDULED).order_by("-detected_at", "-id")
        history_page = Paginator(incidents, HISTORY_PAGE_SIZE).get_page(number)
        return render_to_string("status/_history.html", {"page": history_page})

    body = cache.cached(f"history:{number[:8]}:{_variant()}", build)
    return _frame(request, "status/history.html", body)


@login_not_required
@require_safe
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    def build() -> str:
        try:
            incident = selectors.incident_get_public(pk=incident_id)
        except Incident.DoesNotExist:
            return ""
        return render_to_string("status/_incident.html", {"incident": incident})

    body = cache.cached(f"incident:{incident_id}:{_variant()}", build)
    if not body:
        raise Http404
    return _frame(request, "status/incident.html", body)
