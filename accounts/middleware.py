from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation

from accounts.languages import language_from_accept_header, language_supported
from accounts.models import User


class UserTimezoneMiddleware:
    """Show every time in the signed-in person's timezone; UTC for everyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class UserLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware with the profile first and the organisation last (accounts/languages.py).

    It runs after authentication; its response half (Content-Language, Vary) is Django's.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def request_language(request: HttpRequest) -> str:
    # Requests that never passed the authentication middleware (some error pages) carry no user.
    anyone = getattr(request, "user", None)
    user = anyone if isinstance(anyone, User) else None
    if user is not None and (chosen := language_supported(user.language)):
        return chosen
    if chosen := language_supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        return chosen
    if browser := language_from_accept_header(request.headers.get("Accept-Language", "")):
        return browser
    if user is not None and user.is_customer:
        membership = getattr(user, "membership", None)
        if membership is not None and (preferred := language_supported(membership.organisation.language)):
            return preferred
    return settings.LANGUAGE_CODE
