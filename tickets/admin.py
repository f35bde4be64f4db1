from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from audit.admin import AuditedAdmin
from tickets.models import Comment, Ticket, TicketEvent, TicketField, TicketType


class TicketFieldInline(TranslationStackedInline[TicketField, TicketType]):
    model = TicketField
    extra = 0
    fields = ["order", "key", "label", "kind", "required", "choices", "help_text"]


@admin.register(TicketType)
class TicketTypeAdmin(TranslationAdmin[TicketType], AuditedAdmin):
    list_display = ["name", "slug", "category", "environment_kind", "asks_severity", "customer_can_file", "active", "order"]
    list_editable = ["order", "active"]
    list_filter = ["category", "active", "customer_can_file"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TicketFieldInline]


class TimelineInline(admin.TabularInline[TicketEvent, Ticket]):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "kind", "actor", "actor_label", "before", "after", "reason", "is_public")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CommentInline(admin.TabularInline[Comment, Ticket]):
    model = Comment
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "author", "author_label", "is_internal", "body")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(AuditedAdmin):
    list_display = ["reference", "summary", "organisation", "ticket_type", "severity", "status", "assignee", "created_at"]
    list_filter = ["status", "severity", "ticket_type", "organisation__tier", "organisation"]
    search_fields = ["number", "summary", "organisation__name"]
    list_select_related = ["organisation", "ticket_type", "severity", "assignee"]
    date_hierarchy = "created_at"
    readonly_fields = ["number", "organisation", "created_at", "updated_at", "acknowledged_at", "resolved_at", "closed_at"]
    raw_id_fields = ["requester_user", "requester_contact", "assignee", "environment"]
    filter_horizontal = ["cc_contacts"]
    inlines = [CommentInline, TimelineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tickets are filed through the portal, the desk or the API, where the
        # type's fields are validated and the clocks started.
        return False
