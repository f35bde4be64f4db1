"""``{% sla_clocks ticket clocks escalations as sla %}``: a ticket's clocks, each with how its deadline was reached.

The view hands over the clocks and open escalations it already read (``sla.selectors``) so that the page asks for them
once; without them the tag reads them itself."""

from __future__ import annotations

from typing import Any

from django import template

from sla.explain import clock_explain
from sla.selectors import clocks_of, escalations_open_for

register = template.Library()


@register.simple_tag(takes_context=True)
def sla_clocks(
    context: template.Context,
    ticket: Any,
    clocks: list[Any] | None = None,
    escalations: list[Any] | None = None,
) -> dict[str, Any]:
    """For support staff: times in the viewer's timezone and in the contract's (the target calendar's)."""
    request = context.get("request")
    viewer_zone = getattr(getattr(request, "user", None), "timezone", "UTC") or "UTC"
    rows = []
    for clock in clocks_of(ticket_id=ticket.pk) if clocks is None else clocks:
        contract = clock.target_calendar.timezone if clock.has_terms and clock.target_calendar else ticket.organisation.timezone
        rows.append({"clock": clock, "lines": clock_explain(clock, zones=[viewer_zone, contract])})
    if escalations is None:
        escalations = escalations_open_for(ticket_id=ticket.pk)
    return {"rows": rows, "escalations": escalations}
