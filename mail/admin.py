from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mail.models import InboundMessage, ThreadMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    """Every message received, with what became of it; the original is downloaded, never shown."""

    list_display = ("received_at", "from_address", "subject", "via", "outcome", "ticket_reference", "state")
    list_filter = ("outcome", "state", "via")
    search_fields = ("from_address", "subject", "message_id")
    date_hierarchy = "received_at"
    exclude = ("raw",)
    readonly_fields = [
        "message_id",
        "via",
        "envelope_from",
        "envelope_to",
        "from_address",
        "subject",
        "size",
        "received_at",
        "state",
        "attempts",
        "last_error",
        "processed_at",
        "outcome",
        "reason",
        "ticket",
        "comment",
        "handled_by",
        "original",
    ]
    list_select_related = ("ticket",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundMessage]:
        return super().get_queryset(request).defer("raw")

    @admin.display(description=_("ticket"))
    def ticket_reference(self, row: InboundMessage) -> str:
        return row.ticket.reference if row.ticket is not None else ""

    @admin.display(description=_("original"))
    def original(self, row: InboundMessage) -> str:
        return format_html('<a href="{}">{}</a>', reverse("mail_desk:original", args=[row.pk]), _("Download"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ThreadMessage)
class ThreadMessageAdmin(admin.ModelAdmin[ThreadMessage]):
    list_display = ("created_at", "message_id", "ticket", "recipient")
    search_fields = ("message_id", "recipient")
    raw_id_fields = ("ticket",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
