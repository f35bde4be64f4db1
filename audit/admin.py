from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry


class AuditedAdmin(admin.ModelAdmin[Any]):  # any model: the trail is found by content type and id
    """The admin's "History" button opens the record's audit trail, with before and after."""

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponseRedirect:
        content_type = ContentType.objects.get_for_model(self.model, for_concrete_model=False)
        query = urlencode({"content_type__id__exact": content_type.pk, "object_id": object_id})
        return HttpResponseRedirect(f"{reverse('admin:audit_auditentry_changelist')}?{query}")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "who", "action", "content_type", "object_repr", "change_summary", "bulk"]
    list_filter = ["action", "bulk", "content_type", "at"]
    search_fields = ["object_id", "object_repr", "actor__email", "actor_label"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]
    fields = ("at", "who", "action", "content_type", "object_id", "object_repr", "bulk", "change_table")
    readonly_fields = fields

    @admin.display(description=_("what changed"))
    def change_summary(self, entry: AuditEntry) -> str:
        return ", ".join(sorted(entry.changes))[:120]

    @admin.display(description=_("before → after"))
    def change_table(self, entry: AuditEntry) -> str:
        return format_html_join(
            "\n",
            "<div><strong>{}</strong>: {} → {}</div>",
            ((field, before, after) for field, (before, after) in sorted(entry.changes.items())),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
