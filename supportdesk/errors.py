"""Our 400, 403, 404 and 500 pages, in the layout of where the visitor was, with a way back.

Django uses these when DEBUG is off (as ``make run`` serves the demo); they never
list URL patterns or anything else about the site's insides.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def _place(request: HttpRequest) -> tuple[str, str, str]:
    """The layout to use, and where "back" leads: the status page's, the desk's (staff only), the portal's."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    path = request.path
    if path.startswith("/status/"):
        return "status/base.html", reverse("status:index"), _("Back to the status page")
    if signed_in and getattr(user, "is_support_staff", False):
        return "desk/base.html", reverse("desk:queue"), _("Back to the queue")
    if signed_in:
        return "portal/base.html", reverse("portal:home"), _("Back to my requests")
    return "base.html", reverse("login"), _("Go to sign in")


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    layout, back_url, back_label = _place(request)
    context = {
        "layout": layout,
        "status": status,
        "title": title,
        "message": message,
        "back_url": back_url,
        "back_label": back_label,
    }
    return HttpResponse(render_to_string("errors/error.html", context, request=request), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        400,
        _("That request could not be understood"),
        _("Something in it was malformed or has expired. Go back and try again."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        _("You cannot do that here"),
        _("Your account does not allow this. If you think it should, ask your organisation admin."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("We could not find that page"),
        _("The address may be mistyped, or what it pointed to is gone or is not yours to see."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context processors or database: whatever broke may be among them."""
    try:
        return HttpResponseServerError(render_to_string("errors/500.html", {"home": "/"}))
    except Exception:  # the last resort must answer something
        log.exception("the 500 page itself failed")
        return HttpResponseServerError("<!doctype html><title>Error</title><h1>Something went wrong</h1><p><a href='/'>Home</a></p>")
