from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from notifications import services
from notifications.models import OutboundEmail, TypedAddressMail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    list_display = ["created_at", "recipient", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["recipient", "subject", "event_key", "message_id"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    actions = ["send_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboundEmail | None = None) -> bool:
        return False

    @admin.action(description=_("Send the selected held or retrying emails now"))
    def send_now(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        released = sum(services.outbox_release(outbox_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(count)d emails released.") % {"count": released}, messages.SUCCESS)


@admin.register(TypedAddressMail)
class TypedAddressMailAdmin(admin.ModelAdmin[TypedAddressMail]):
    list_display = ["created_at", "purpose", "recipient", "client", "refused_because"]
    list_filter = ["refused_because", "purpose"]
    search_fields = ["recipient", "client"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in TypedAddressMail._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TypedAddressMail | None = None) -> bool:
        return False
