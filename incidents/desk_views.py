"""Agents run the status page from the desk: thin views over incidents.publishing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import support_staff_required
from accounts.http import AuthenticatedHttpRequest
from incidents import affected, page, publishing
from incidents.forms import ComponentStatusForm, IncidentForm, LinkOrganisationsForm, MaintenanceForm, UpdateForm
from incidents.models import Component, ComponentStatus, Incident, IncidentEvent
from monitoring.selectors import alerts_behind_incident


def _incident(incident_id: int) -> Incident:
    try:
        return Incident.objects.get(pk=incident_id)
    except Incident.DoesNotExist as missing:
        raise Http404 from missing


def _component(component_id: int) -> Component:
    try:
        return Component.objects.get(pk=component_id)
    except Component.DoesNotExist as missing:
        raise Http404 from missing


@support_staff_required
@require_http_methods(["GET", "HEAD"])
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    open_incidents = Incident.objects.exclude(status__in=Incident.CLOSED_STATUSES).order_by("-detected_at")
    recent = Incident.objects.filter(status__in=Incident.CLOSED_STATUSES).order_by("-detected_at")[:20]
    components = list(Component.objects.select_related("group"))
    # Beside its own status, what the public sees: open incidents and maintenance can only make it worse.
    shown, _open = page.current_statuses(components)
    rows = [(component, ComponentStatus(shown[component.pk])) for component in components]
    return render(
        request,
        "desk/status/overview.html",
        {
            "open_incidents": open_incidents,
            "recent": recent,
            "components": rows,
            "status_form": ComponentStatusForm(),
        },
    )


@support_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def incident_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = publishing.incident_create(
                title=data["title"],
                message=data["message"],
                market=data["market"],
                cause=data["cause"],
                status=data["status"],
                components=dict.fromkeys(data["components"], data["impact"]),
                source=Incident.Source.AGENT,
                created_by=request.user,
                publish_now=data["publish_now"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Incident opened."))
            return redirect("desk_status:incident", incident_id=incident.pk)
    return render(request, "desk/status/incident_form.html", {"form": form})


@support_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def incident_detail(request: AuthenticatedHttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident(incident_id)
    form = UpdateForm(request.POST or None, incident=incident)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        impact = data.get("impact") or ""
        components = dict.fromkeys(data["components"], impact) if impact else {}
        try:
            publishing.incident_update_post(
                incident=incident,
                status=data["status"],
                message=data["message"],
                components=components,
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Update posted."))
            return redirect("desk_status:incident", incident_id=incident.pk)
    events = IncidentEvent.objects.filter(incident=incident).select_related("actor")
    return render(
        request,
        "desk/status/incident_detail.html",
        {
            "incident": incident,
            "form": form,
            "events": events,
            "links": affected.organisations_linked(incident=incident),
            "link_form": LinkOrganisationsForm(incident=incident),
            "updates": incident.updates.select_related("created_by"),
            "affected": incident.affected.select_related("component__group"),
            "alerts_behind": alerts_behind_incident(user=request.user, incident=incident),
        },
    )


@support_staff_required
@require_POST
def incident_publish(request: AuthenticatedHttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident(incident_id)
    try:
        done = publishing.incident_publish(incident=incident, actor=request.user, reason=_("Published from the desk."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Published.") if done else _("It was already public."))
    return redirect("desk_status:incident", incident_id=incident.pk)


@support_staff_required
@require_POST
def organisations_link(request: AuthenticatedHttpRequest, incident_id: int) -> HttpResponse:
    incident = _incident(incident_id)
    form = LinkOrganisationsForm(request.POST, incident=incident)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("desk_status:incident", incident_id=incident.pk)
    data = form.cleaned_data
    try:
        links = affected.incident_organisations_link(
            incident=incident,
            organisations=data["organisations"],
            area=data["area"],
            actor=request.user,
            call_to_action=data["call_to_action"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if links:
            names = ", ".join(link.organisation.name for link in links)
            messages.success(request, _("Notice raised for %(names)s.") % {"names": names})
        else:
            messages.info(request, _("Already linked: nothing was sent again."))
    return redirect("desk_status:incident", incident_id=incident.pk)


@support_staff_required
@require_POST
def component_status(request: AuthenticatedHttpRequest, component_id: int) -> HttpResponse:
    component = _component(component_id)
    form = ComponentStatusForm(request.POST)
    if form.is_valid():
        publishing.component_status_change(
            component=component, status=form.cleaned_data["status"], actor=request.user, reason=_("Changed from the desk.")
        )
        messages.success(
            request,
            _("%(component)s is now “%(status)s”.")
            % {"component": component, "status": ComponentStatus(form.cleaned_data["status"]).label},
        )
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("desk_status:overview")


@support_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def maintenance_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MaintenanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            maintenance = publishing.maintenance_schedule(
                title=data["title"],
                message=data["message"],
                components=data["components"],
                scheduled_for=data["scheduled_for"],
                scheduled_until=data["scheduled_until"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Maintenance scheduled and published."))
            return redirect("desk_status:incident", incident_id=maintenance.pk)
    return render(request, "desk/status/maintenance_form.html", {"form": form})
