from __future__ import annotations

from django.contrib import admin

from desk.models import CannedReply, Macro


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin[CannedReply]):
    list_display = ["title", "active"]
    list_editable = ["active"]
    list_filter = ["active"]
    search_fields = ["title", "body"]


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin[Macro]):
    list_display = ["title", "status", "assign", "severity", "tags", "active"]
    list_editable = ["active"]
    list_filter = ["active"]
    search_fields = ["title", "reply", "tags"]
