"""Who may use a route. A service key passes only the permissions that name it."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from monitoring.models import ServiceKey


def is_service_key(request: Request) -> bool:
    return isinstance(request.auth, ServiceKey)


class AdmitsServiceKeys:
    """Marks a permission that lets monitoring's service keys in (the schema lists the scheme for these)."""


SERVICE_KEY_REFUSED = "A service key may only send alerts, raise notices and incidents, post incident updates and read components."


class IsAuthenticatedPerson(permissions.IsAuthenticated):
    """Someone signed in or with a personal token; a service key is told what it may do instead."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if is_service_key(request):
            self.message = SERVICE_KEY_REFUSED
            return False
        return super().has_permission(request, view)


class IsSupportStaff(permissions.BasePermission):
    message = "Only the support team may use this."

    def has_permission(self, request: Request, view: Any) -> bool:
        if is_service_key(request):
            self.message = SERVICE_KEY_REFUSED
        return bool(request.user and request.user.is_authenticated and request.user.is_support_staff)


class IsSupportStaffOrServiceKey(AdmitsServiceKeys, permissions.BasePermission):
    """Agents, and monitoring systems with a service key; customers never."""

    message = "Only the support team and monitoring systems may use this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_service_key(request) or IsSupportStaff().has_permission(request, view)


def admits_service_keys(view: Any) -> bool:
    return any(issubclass(permission, AdmitsServiceKeys) for permission in getattr(view, "permission_classes", []))


class IsServiceKey(AdmitsServiceKeys, permissions.BasePermission):
    """Monitoring's alert intake: only a service key; a person, even support staff, has the desk and the other routes."""

    message = "Only a monitoring system's service key may send alerts here."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_service_key(request)
