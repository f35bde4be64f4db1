from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from audit.admin import AuditedAdmin
from monitoring.models import ServiceKey


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
