"""The personal profile, for customers and staff alike: saved, then applied on the very response."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.forms import PersonalProfileForm


def profile_saved_response(request: HttpRequest, form: PersonalProfileForm, url_name: str) -> HttpResponse:
    """Save the form and answer in the chosen language, remembering it for the next pages."""
    user = form.save()
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    messages.success(request, _("Saved. Times are shown in %(zone)s.") % {"zone": user.timezone})
    response = redirect(url_name)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
