from __future__ import annotations

from typing import Any

import django_filters
from django.apps import apps
from django.db.models import QuerySet
from rest_framework import filters
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from tickets.models import Ticket
from tickets.selectors import tickets_search


class TicketSearch(filters.SearchFilter):
    """``?search=``: the desk's and the portal's ticket search, with what the caller may read."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> QuerySet[Any]:
        assert isinstance(request.user, User)  # only ever behind the ticket list, which admits signed-in people
        return tickets_search(queryset, text=request.query_params.get(self.search_param, ""), user=request.user)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["description"] = "A number or reference (SD-1042), or words of the summary, description or comments."
        return parameters


class TicketFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is read as Any until its stubs are pinned
    status = django_filters.ChoiceFilter(choices=Ticket.Status.choices)
    severity = django_filters.ChoiceFilter(field_name="severity_id", choices=[(level, str(level)) for level in range(1, 6)])
    type = django_filters.CharFilter(field_name="ticket_type__slug", help_text="Ticket type slug.")
    organisation = django_filters.CharFilter(
        field_name="organisation__account_id",
        help_text="Account id of the organisation (useful to support staff).",
    )

    tag = django_filters.CharFilter(method="by_tag", help_text="Tickets with this tag (support staff only; tags are internal).")

    class Meta:
        model = Ticket
        fields = ["status", "severity", "type", "organisation", "tag"]

    def by_tag(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_support_staff:
            return queryset
        # The desk's tags, looked up by name: the API stands beside the desk, not on it.
        tagged = apps.get_model("desk", "TicketTag").objects.filter(tag__name=value.strip().lower())
        return queryset.filter(pk__in=tagged.values("ticket_id"))
