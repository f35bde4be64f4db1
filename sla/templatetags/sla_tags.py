"""``{% sla_clocks ticket as sla %}``: a ticket's clocks, each with how its deadline was reached."""

from __future__ import annotations

from typing import Any

from django import template

from sla.explain import clock_explain
from sla.selectors import clocks_of, escalations_open_for

register = template.Library()


@register.simple_tag(takes_context=True)
def sla_clocks(context: template.Context, ticket: Any) -> dict[str, Any]:
    """For support staff: times in the viewer's timezone and in the contract's (the target calendar's)."""
    request = context.get("request")
    viewer_zone = getattr(getattr(request, "user", None), "timezone", "UTC") or "UTC"
    rows = []
    for clock in clocks_of(ticket_id=ticket.pk):
        contract = clock.target_calendar.timezone if clock.has_terms and clock.target_calendar else ticket.organisation.timezone
        rows.append({"clock": clock, "lines": clock_explain(clock, zones=[viewer_zone, contract])})
    return {"rows": rows, "escalations": escalations_open_for(ticket_id=ticket.pk)}
