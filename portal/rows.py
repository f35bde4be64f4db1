"""My requests' rows, drawn once and shared from the cache by everyone who sees the same thing."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import get_template
from django.utils.safestring import SafeString

from supportdesk.fragments import fragments_render
from tickets.models import Ticket


def _shown(ticket: Ticket, *, scope: str) -> tuple[object, ...]:
    """Everything a row draws, so that a change to any of it draws the row again.

    Names come as the active language gives them (the fragment's key adds the language and zone), so a
    renamed type or severity, or a renamed requester, has a new key too.
    """
    severity = ticket.severity
    return (
        ticket.pk,
        ticket.number,
        ticket.updated_at,
        ticket.created_at,
        ticket.summary,
        ticket.status,
        ticket.ticket_type_id,
        ticket.ticket_type.name,
        severity.level if severity else None,
        severity.name if severity else "",
        scope,
        ticket.requester_name if scope == "organisation" else "",
    )


def request_rows(*, tickets: Sequence[Ticket], scope: str) -> list[SafeString]:
    """The ``<tr>`` of each ticket of the page (with its type, severity and requester loaded), in order."""
    template = get_template("portal/_request_row.html")
    return fragments_render(
        name="portal-request-row",
        items=tickets,
        parts=lambda ticket: _shown(ticket, scope=scope),
        render=lambda ticket: template.render({"ticket": ticket, "scope": scope}),
    )
