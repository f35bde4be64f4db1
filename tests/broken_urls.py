"""A URLconf with deliberately broken views, to prove the walks catch them."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import customer_required
from api.permissions import IsSupportStaffOrServiceKey
from api.views import ApiView
from supportdesk.urls import urlpatterns as project_patterns
from tickets.models import Ticket


def leaky_ticket(request: HttpRequest, number: int) -> HttpResponse:
    # The bug under test: fetched by number alone, never scoped to the user.
    ticket = Ticket.objects.get(number=number)
    return HttpResponse(ticket.summary)


class LeakyApiView(ApiView):
    def get(self, request: Request, number: int) -> Response:
        # The same bug behind the API.
        return Response({"summary": Ticket.objects.get(number=number).summary})


@customer_required
def sneaky_close(request: HttpRequest, number: int) -> HttpResponse:
    # The bug under test: the change is made unscoped, and only then is the answer a polite 404.
    Ticket.objects.filter(number=number).update(status=Ticket.Status.CLOSED)
    raise Http404


def unguarded_desk(request: HttpRequest) -> HttpResponse:
    # The bug under test: a staff page that forgot support_staff_required.
    return HttpResponse("the desk")


@customer_required
def everything(request: HttpRequest) -> HttpResponse:
    # The bug under test: a list that forgot to scope to the customer's organisation.
    return HttpResponse(", ".join(Ticket.objects.values_list("summary", flat=True)))


class ServiceKeyHoleView(ApiView):
    # The bug under test: a ticket route given the permission of the incident routes, so monitoring's key gets in.
    permission_classes = [IsSupportStaffOrServiceKey]

    def get(self, request: Request, number: int) -> Response:
        return Response({"number": number})


@csrf_exempt
def careless_form(request: HttpRequest) -> HttpResponse:
    # The bug under test: a state-changing view that opted out of CSRF.
    return HttpResponse("saved")


urlpatterns = [
    # Before the project's own routes, whose API answers every other /api/v1/ path with a 404.
    path("api/v1/leaky/<int:number>/", LeakyApiView.as_view(), name="leaky-api"),
    path("api/v1/keyhole/<int:number>/", ServiceKeyHoleView.as_view(), name="keyhole-api"),
    *project_patterns,
    path("portal/leaky/<int:number>/", leaky_ticket, name="leaky"),
    path("portal/careless/", careless_form, name="careless"),
    path("portal/sneaky/<int:number>/close/", sneaky_close, name="sneaky"),
    path("portal/everything/", everything, name="everything"),
    path("desk/unguarded/", unguarded_desk, name="unguarded"),
]
