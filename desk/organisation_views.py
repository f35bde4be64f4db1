"""The desk's pages about customers: the organisation list, one organisation's page, filing for them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import support_staff_required
from accounts.http import AuthenticatedHttpRequest
from desk import organisations
from desk.filing import ticket_file_on_behalf
from desk.forms import on_behalf_form_class


@support_staff_required
@require_GET
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = organisations.organisations_page(user=request.user, q=q, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "desk/organisation_list.html", {"page": page, "q": q, "query": query.urlencode()})


@support_staff_required
@require_GET
def organisation_detail(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = organisations.organisation_get_for(user=request.user, organisation_id=organisation_id)
    now = timezone.now()
    return render(
        request,
        "desk/organisation_detail.html",
        {
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
        },
    )


@support_staff_required
def file_on_behalf(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """Pick a type, then the customer's own form for it with who it is for, the channel and the time."""
    organisation = organisations.organisation_get_for(user=request.user, organisation_id=organisation_id)
    slug = request.GET.get("type") or request.POST.get("type")
    if not slug:
        return render(
            request,
            "desk/file_types.html",
            {
                "organisation": organisation,
                "types": organisations.ticket_types_for_agents(),
            },
        )
    ticket_type = organisations.ticket_type_for_agents_get(slug=slug)
    form_class = on_behalf_form_class(ticket_type=ticket_type, organisation=organisation)
    form = form_class(request.POST or None, initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_file_on_behalf(
                organisation=organisation,
                ticket_type=ticket_type,
                actor=request.user,
                requester_contact=data["requester_contact"],
                received_at=data["received_at"],
                via=data["via"],
                summary=data["summary"],
                description=data["description"],
                severity=data.get("severity"),
                environment=data.get("environment"),
                details=data["details"],
                cc_contacts=data["cc_contacts"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("%(ref)s was filed for %(name)s, who was mailed its number.")
                % {
                    "ref": ticket.reference,
                    "name": data["requester_contact"].name,
                },
            )
            return redirect("desk:ticket", number=ticket.number)
    return render(
        request,
        "desk/file_on_behalf.html",
        {
            "organisation": organisation,
            "ticket_type": ticket_type,
            "form": form,
            "detail_names": form.detail_names,
        },
        status=400 if form.errors else 200,
    )
