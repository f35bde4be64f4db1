"""The Django admin, for the vendor's administrators only.

Django lets in anyone with ``is_staff``. Here the admin shows every
organisation's data, so that flag alone — ticked by mistake on a customer or
an agent — must not open it: the person must also hold the Administrator role.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class SupportdeskAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        from accounts.second_factor import second_factor_satisfied

        return bool(user.is_active and user.is_staff and getattr(user, "role", None) == "admin" and second_factor_satisfied(request))


class SupportdeskAdminConfig(AdminConfig):
    default_site = "supportdesk.admin_site.SupportdeskAdminSite"
