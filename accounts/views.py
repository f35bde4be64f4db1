from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their work is."""
    if request.user.is_support_staff:
        return redirect("desk:queue")
    return redirect("portal:home")
