from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from audit.admin import AuditedAdmin
from notices.models import Notice, NoticeUpdate, ProductArea


@admin.register(ProductArea)
class ProductAreaAdmin(TranslationAdmin[ProductArea], AuditedAdmin):
    list_display = ["name", "active", "order"]
    list_editable = ["active", "order"]
    search_fields = ["name"]


class NoticeUpdateInline(admin.TabularInline[NoticeUpdate, Notice]):
    model = NoticeUpdate
    extra = 0
    fields = readonly_fields = ("created_at", "body", "call_to_action", "author", "author_label")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin[Notice]):
    """Read-only: notices are raised in the desk or through the API, which make their tickets and mail."""

    list_display = ["created_at", "kind", "organisation", "area", "environment", "title", "ticket", "raised_by_name"]
    list_filter = ["kind", "area", "organisation"]
    search_fields = ["title", "organisation__name", "organisation__account_id", "idempotency_key"]
    list_select_related = ["organisation", "area", "environment", "ticket", "raised_by"]
    date_hierarchy = "created_at"
    inlines = [NoticeUpdateInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Notice | None = None) -> list[str]:
        return [field.name for field in Notice._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notice | None = None) -> bool:
        return False
