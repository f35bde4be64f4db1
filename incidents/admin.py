from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from accounts.http import AuthenticatedHttpRequest
from audit.admin import AuditedAdmin
from incidents import publishing
from incidents.models import (
    Component,
    ComponentGroup,
    Incident,
    IncidentComponent,
    IncidentEvent,
    IncidentOrganisation,
    IncidentUpdate,
    Subscriber,
)


class ComponentInline(TranslationTabularInline[Component, ComponentGroup]):
    model = Component
    extra = 0
    fields = ["name", "order", "status", "showcase", "only_show_if_degraded"]


@admin.register(ComponentGroup)
class ComponentGroupAdmin(TranslationAdmin[ComponentGroup], AuditedAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    inlines = [ComponentInline]


@admin.register(Component)
class ComponentAdmin(TranslationAdmin[Component], AuditedAdmin):
    list_display = ["name", "group", "order", "status", "showcase", "used_by_everyone", "updated_at"]
    list_filter = ["group", "status", "showcase", "used_by_everyone"]
    list_editable = ["order", "status"]
    search_fields = ["name", "description"]
    filter_horizontal = ["organisations"]


class IncidentComponentInline(admin.TabularInline[IncidentComponent, Incident]):
    model = IncidentComponent
    extra = 0
    autocomplete_fields = ["component"]


class IncidentUpdateInline(admin.StackedInline[IncidentUpdate, Incident]):
    model = IncidentUpdate
    extra = 0
    fields = ["status", "message", "created_at", "created_by"]
    readonly_fields = ["created_by"]


class IncidentEventInline(admin.TabularInline[IncidentEvent, Incident]):
    model = IncidentEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "kind", "actor", "actor_label", "reason", "before", "after")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IncidentOrganisationInline(admin.TabularInline[IncidentOrganisation, Incident]):
    """Read-only: linking raises notices, so it happens in the desk (incidents.affected), never by a bare row."""

    model = IncidentOrganisation
    extra = 0
    can_delete = False
    fields = readonly_fields = ("organisation", "notice", "linked_by", "linked_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    list_display = ["title", "kind", "status", "impact", "market", "cause", "source", "detected_at", "published_at", "resolved_at"]
    list_filter = ["kind", "status", "impact", "cause", "source"]
    search_fields = ["title", "message", "market"]
    date_hierarchy = "detected_at"
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [IncidentComponentInline, IncidentUpdateInline, IncidentOrganisationInline, IncidentEventInline]
    actions = ["publish_now", "resolve"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "message", "market", "cause", "source", "status", "impact"]}),
        ("Times", {"fields": ["detected_at", "published_at", "monitoring_at", "resolved_at", "scheduled_for", "scheduled_until"]}),
        ("Record", {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    @admin.action(description=_("Publish the selected incidents now"))
    def publish_now(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Incident]) -> None:
        done = 0
        for incident in queryset:
            try:
                done += publishing.incident_publish(incident=incident, actor=request.user, reason=_("Published from the admin."))
            except ValidationError as error:
                self.message_user(request, f"{incident}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, _("%(count)d incidents published.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Resolve the selected incidents"))
    def resolve(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Incident]) -> None:
        done = 0
        for incident in queryset.filter(kind=Incident.Kind.INCIDENT, status__in=Incident.OPEN_STATUSES):
            publishing.incident_resolve(incident=incident, actor=request.user, reason=_("Resolved from the admin."))
            done += 1
        self.message_user(request, _("%(count)d incidents resolved.") % {"count": done}, messages.SUCCESS)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin[Subscriber]):
    list_display = ["email", "all_components", "confirmed_at", "unsubscribed_at", "created_at"]
    list_filter = ["all_components"]
    search_fields = ["email"]
    filter_horizontal = ["components"]
