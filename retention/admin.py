from __future__ import annotations

from django.contrib import admin

from audit.admin import AuditedAdmin
from retention.models import RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(AuditedAdmin):
    list_display = ["organisation", "closed_for_days", "action", "active"]
    list_filter = ["action", "active"]
    raw_id_fields = ["organisation"]
