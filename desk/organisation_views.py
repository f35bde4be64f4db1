"""The desk's pages about customers: the organisation list and one organisation's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import support_staff_required
from desk import organisations


@support_staff_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = organisations.organisations_page(user=request.user, q=q, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "desk/organisation_list.html", {"page": page, "q": q, "query": query.urlencode()})


@support_staff_required
@require_GET
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = organisations.organisation_get_for(user=request.user, organisation_id=organisation_id)
    now = timezone.now()
    return render(request, "desk/organisation_detail.html", {
        "organisation": organisation,
        "now": now,
        "hours": organisations.hours_of(organisation=organisation, now=now),
        "contacts": organisations.contacts_with_logins(organisation=organisation),
        "open_tickets": organisations.open_tickets_of(user=request.user, organisation=organisation, now=now),
        "notices": organisations.notices_of(organisation=organisation),
        "held": organisations.held_warnings_of(user=request.user, organisation=organisation),
        "incidents": organisations.incidents_of(organisation=organisation),
        "grants": organisations.grants_in_force(organisation=organisation, now=now),
        "attainment": organisations.ack_attainment_of(organisation=organisation, now=now),
    })
