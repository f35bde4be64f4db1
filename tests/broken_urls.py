"""A URLconf with one deliberately unscoped view, to prove the walk catches it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from supportdesk.urls import urlpatterns as project_patterns
from tickets.models import Ticket


def leaky_ticket(request: HttpRequest, number: int) -> HttpResponse:
    # The bug under test: fetched by number alone, never scoped to the user.
    ticket = Ticket.objects.get(number=number)
    return HttpResponse(ticket.summary)


urlpatterns = [*project_patterns, path("portal/leaky/<int:number>/", leaky_ticket, name="leaky")]
