"""The open incidents a customer's organisation is touched by, above every portal page (seed 001: look here before you report)."""

from __future__ import annotations

from typing import Any

from django import template

from customers.selectors import organisation_of
from incidents import cache
from incidents.selectors import incidents_open_for

register = template.Library()


@register.inclusion_tag("portal/_incident_banner.html", takes_context=True)
def incident_banner(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    organisation = organisation_of(request.user) if request is not None else None
    if request is None or organisation is None:
        return {"incidents": []}
    match = request.resolver_match
    return {
        # Kept under the status page's version, which every change to an incident, its components or who uses
        # them bumps: the query ran on every portal page, and the answer changes a few times a day.
        "incidents": cache.cached(f"banner:{organisation.pk}", lambda: incidents_open_for(organisation=organisation)),
        "before_reporting": match is not None and match.url_name == "new",
    }
