"""The request types of views that only a signed-in user reaches.

Django and DRF type `request.user` as "a user or AnonymousUser", because that is what a request carries before
anyone checks. Behind `login_required` (or our portal, desk and API guards) it is always one of our `User`s, so
those views take these types instead of casting at every use. They only narrow annotations: at run time the view
still receives Django's `HttpRequest` or DRF's `Request`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails  # set on every request by django-htmx's middleware


class AuthenticatedRequest(Request):
    user: User
