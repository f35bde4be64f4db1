from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.admin import AuditedAdmin
from customers.models import Membership


class MembershipInline(admin.StackedInline[Membership, User]):
    model = Membership
    extra = 0
    max_num = 1


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name", "membership__organisation__name"]
    list_select_related = ["membership__organisation"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "role", "timezone", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "role", "password1", "password2"]}),
    ]

    @admin.display(description=_("Organisation"), ordering="membership__organisation__name")
    def organisation(self, user: User) -> str:
        membership = getattr(user, "membership", None)
        return membership.organisation.name if membership else "—"
