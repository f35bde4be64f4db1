from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from desk.models import TicketTag
from tickets.models import Ticket


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Ticket.Status.choices)
    severity = django_filters.ChoiceFilter(field_name="severity_id", choices=[(level, str(level)) for level in range(1, 6)])
    type = django_filters.CharFilter(field_name="ticket_type__slug", help_text="Ticket type slug.")
    organisation = django_filters.CharFilter(
        field_name="organisation__account_id", help_text="Account id of the organisation (useful to support staff).",
    )

    tag = django_filters.CharFilter(method="by_tag", help_text="Tickets with this tag (support staff only; tags are internal).")

    class Meta:
        model = Ticket
        fields = ["status", "severity", "type", "organisation", "tag"]

    def by_tag(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_support_staff:
            return queryset
        return queryset.filter(pk__in=TicketTag.objects.filter(tag__name=value.strip().lower()).values("ticket_id"))
