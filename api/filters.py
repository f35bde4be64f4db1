from __future__ import annotations

import django_filters

from tickets.models import Ticket


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Ticket.Status.choices)
    severity = django_filters.ChoiceFilter(field_name="severity_id", choices=[(level, str(level)) for level in range(1, 6)])
    type = django_filters.CharFilter(field_name="ticket_type__slug", help_text="Ticket type slug.")
    organisation = django_filters.CharFilter(
        field_name="organisation__account_id", help_text="Account id of the organisation (useful to support staff).",
    )

    class Meta:
        model = Ticket
        fields = ["status", "severity", "type", "organisation"]
