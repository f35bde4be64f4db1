from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin
from webhooks.models import EVENTS, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services import delivery_retry


class WebhookEndpointForm(forms.ModelForm[WebhookEndpoint]):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label=_("Events"), choices=EVENTS, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "organisation", "events", "active", "allow_private", "secret"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Use an http or https URL."))
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "organisation", "active", "allow_private", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]


class WebhookAttemptInline(admin.TabularInline[WebhookAttempt, WebhookDelivery]):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "attempted_at", "status_code", "response_excerpt", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    """The delivery log: what was sent where, how often, and what came back."""

    list_display = ["event", "endpoint", "state", "attempts", "last_status_code", "next_attempt_at", "created_at"]
    list_filter = ["state", "event"]
    search_fields = ["event_id", "endpoint__url"]
    readonly_fields = [
        "endpoint",
        "event",
        "event_id",
        "body",
        "state",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
    ]
    inlines = [WebhookAttemptInline]
    actions = ["retry_now"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    @admin.action(description=_("Send again now"))
    def retry_now(self, request: Any, queryset: Any) -> None:
        count = sum(delivery_retry(delivery=delivery) for delivery in queryset)
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": count}, messages.SUCCESS)
