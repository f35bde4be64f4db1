from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from audit.admin import AuditedAdmin
from monitoring.models import Alert, ReceivedPayload, RoutingRule, ServiceKey
from monitoring.payloads import PayloadError
from monitoring.services import payload_try


class NeedsAttention(admin.SimpleListFilter):
    title = gettext_lazy("needs attention")
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Alert]) -> QuerySet[Alert]:
        if self.value() == "yes":
            return queryset.exclude(problem="")
        if self.value() == "no":
            return queryset.filter(problem="")
        return queryset


@admin.register(ServiceKey)
class ServiceKeyAdmin(AuditedAdmin):
    list_display = ["name", "key_hint", "active", "created_at", "last_used_at"]
    list_filter = ["active"]
    search_fields = ["name", "key_hint"]
    readonly_fields = ["key_hint", "created_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: ServiceKey, form: Any, change: bool) -> None:
        key = obj.generate() if not change else None
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(
                request,
                _("The key of “%(name)s” is %(key)s. Copy it now: it is stored hashed and will not be shown again.")
                % {"name": obj.name, "key": key},
            )


class TryPayloadForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Format"), choices=Alert.Source.choices)
    service_key = forms.ModelChoiceField(
        label=gettext_lazy("As sent with"),
        queryset=ServiceKey.objects.all(),
        required=False,
        help_text=gettext_lazy(
            "Its alerts so far count: a fingerprint it already sent updates instead of opening. Empty: every alert is new."
        ),
    )
    payload = forms.CharField(
        label=gettext_lazy("Payload (JSON)"),
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100, "class": "vLargeTextField"}),
        max_length=1_000_000,
    )

    def clean_payload(self) -> Any:
        try:
            return json.loads(self.cleaned_data["payload"])
        except ValueError as error:
            raise forms.ValidationError(_("This is not JSON: %(error)s") % {"error": error}) from error


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ["order", "name", "active", "matchers", "organisation_shown", "notice_kind", "area", "components_shown"]
    list_display_links = ["name"]
    list_editable = ["order", "active"]
    list_filter = ["active", "notice_kind", "area"]
    search_fields = ["name", "matchers"]
    filter_horizontal = ["components"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["name", "order", "active", "matchers"]}),
        (
            gettext_lazy("Proactive notice"),
            {"fields": ["notice_kind", "organisation", "organisation_label", "area", "environment", "environment_label"]},
        ),
        (gettext_lazy("Status-page incident"), {"fields": ["components", "impact", "market", "cause"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoutingRule]:
        return super().get_queryset(request).select_related("organisation", "area").prefetch_related("components")

    @admin.display(description=gettext_lazy("organisation"))
    def organisation_shown(self, rule: RoutingRule) -> str:
        if rule.organisation is not None:
            return rule.organisation.name
        return _("from label %(label)s") % {"label": rule.organisation_label} if rule.organisation_label else "—"

    @admin.display(description=gettext_lazy("components"))
    def components_shown(self, rule: RoutingRule) -> str:
        return ", ".join(component.name for component in rule.components.all()) or "—"

    def get_urls(self) -> list[Any]:
        return [
            path("try/", self.admin_site.admin_view(self.try_view), name="monitoring_routingrule_try"),
            *super().get_urls(),
        ]

    def try_view(self, request: HttpRequest) -> HttpResponse:
        """Paste a payload, see what each alert would do under today's rules; nothing is kept."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = TryPayloadForm(request.POST or None)
        rows, errors = None, []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                rows = payload_try(source=data["source"], body=data["payload"], service_key=data["service_key"])
            except PayloadError as error:
                errors = error.errors
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "rows": rows,
            "errors": errors,
            "title": _("Try a payload against the routing rules"),
        }
        return TemplateResponse(request, "admin/monitoring/routingrule/try.html", context)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):  # the alerts and the payloads alike
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Read-only: alerts change only through what monitoring sends."""

    list_display = [
        "last_received_at",
        "source",
        "summary",
        "state",
        "rule",
        "organisation",
        "notice",
        "incident",
        "needs_attention",
        "times_received",
    ]
    list_filter = ["state", "source", "rule", "service_key", NeedsAttention]
    search_fields = ["key", "summary", "organisation__name", "organisation__account_id"]
    list_select_related = ["rule", "organisation", "notice__ticket", "incident"]
    date_hierarchy = "last_received_at"

    @admin.display(description=gettext_lazy("needs attention"), boolean=True)
    def needs_attention(self, alert: Alert) -> bool:
        return bool(alert.problem)


@admin.register(ReceivedPayload)
class ReceivedPayloadAdmin(ReadOnlyAdmin):
    """Every payload monitoring sent, as it came, with what became of it."""

    list_display = ["received_at", "source", "service_key", "status_code", "outcome_shown"]
    list_filter = ["source", "status_code", "service_key"]
    search_fields = ["outcome", "raw"]
    list_select_related = ["service_key"]
    date_hierarchy = "received_at"
    fields = ("received_at", "source", "service_key", "status_code", "outcome", "body_shown", "raw", "alerts")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("outcome"))
    def outcome_shown(self, payload: ReceivedPayload) -> str:
        return payload.outcome[:160]

    @admin.display(description=gettext_lazy("body"))
    def body_shown(self, payload: ReceivedPayload) -> str:
        return format_html("<pre>{}</pre>", json.dumps(payload.body, indent=2, ensure_ascii=False)) if payload.body else "—"
