"""The agent's notifications: the header's live count, the list, and how to be told."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.access import support_staff_required
from accounts.http import AuthenticatedHttpRequest
from customers.models import Organisation
from desk import notifications
from desk.models import NotificationChannel, NotificationEvent, QueueWatch
from sla.models import Severity, SupportTier


class SettingsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in NotificationEvent.choices:
            self.fields[value] = forms.ChoiceField(label=label, choices=NotificationChannel.choices)


class WatchForm(forms.Form):
    tier = forms.ModelChoiceField(
        SupportTier.objects.all(), required=False, empty_label=gettext_lazy("Any tier"), label=gettext_lazy("Tier")
    )
    severity = forms.ModelChoiceField(
        Severity.objects.all(), required=False, empty_label=gettext_lazy("Any severity"), label=gettext_lazy("Severity")
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.only("pk", "name"),
        required=False,
        empty_label=gettext_lazy("Any organisation"),
        label=gettext_lazy("Organisation"),
    )


@support_staff_required
@require_GET
def count(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Polled by every desk page's header."""
    return render(request, "desk/_notification_count.html", {"unread": notifications.unread_count(user=request.user)})


@support_staff_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    template = "desk/_notification_list.html" if request.htmx and not request.htmx.boosted else "desk/notifications.html"
    return render(
        request,
        template,
        {
            "items": list(notifications.notifications_of(user=request.user)),
            "unread": notifications.unread_count(user=request.user),
        },
    )


@support_staff_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications.notifications_mark_read(user=request.user)
    return redirect("desk:notifications")


@support_staff_required
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None, initial=notifications.notification_settings_of(user=request.user))
    if request.method == "POST" and "watch" not in request.POST and form.is_valid():
        notifications.notification_settings_set(user=request.user, channels=form.cleaned_data)
        messages.success(request, _("Saved: this is how you will be told."))
        return redirect("desk:notification_settings")
    watch_form = WatchForm(request.POST if "watch" in request.POST else None)
    if request.method == "POST" and "watch" in request.POST and watch_form.is_valid():
        QueueWatch.objects.create(user=request.user, **watch_form.cleaned_data)
        messages.success(request, _("You will hear of new tickets like these."))
        return redirect("desk:notification_settings")
    return render(
        request,
        "desk/notification_settings.html",
        {
            "form": form,
            "watch_form": watch_form,
            "watches": QueueWatch.objects.filter(user=request.user).select_related("tier", "severity", "organisation"),
        },
    )


@support_staff_required
@require_POST
def watch_remove(request: AuthenticatedHttpRequest, watch_id: int) -> HttpResponse:
    QueueWatch.objects.filter(user=request.user, pk=watch_id).delete()  # one's own watches only
    messages.success(request, _("No longer watched."))
    return redirect("desk:notification_settings")
