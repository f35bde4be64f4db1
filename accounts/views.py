from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.languages import language_supported
from accounts.services import user_language_set


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their work is."""
    if request.user.is_support_staff:
        return redirect("desk:queue")
    return redirect("portal:home")


@login_not_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, safe `next`), and the signed-in person's profile keeps the choice."""
    response = set_language(request)
    language = language_supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return response
