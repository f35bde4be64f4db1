"""Role gates for views. Tenant scoping itself lives in each app's selectors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from accounts.http import AuthenticatedHttpRequest

View = Callable[..., HttpResponse]


def customer_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_customer:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def support_staff_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_support_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def lead_required(view: View) -> View:
    """Support leads and admins (the desk's reports); agents and customers are refused."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_lead:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
