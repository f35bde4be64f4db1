"""Answer the status page's cached JSON before the rest of the middleware runs.

summary.json and its siblings are the same bytes for every reader until the
status changes, and widgets poll them all day. Once the body is cached, the
session, locale, CSRF, authentication, timezone, audit and messages
middleware only add cost to that answer (together most of a cached request's
time), so this middleware, placed right after SecurityMiddleware (HTTPS
redirect, HSTS, nosniff still apply), hands out the cached body itself. On a
miss it steps aside: the view builds and caches the body through the whole
stack, exactly as before, and the next request is served here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from incidents import cache

# URL name -> the name under which incidents.api caches that document (``api:<name>``).
CACHED_JSON = {
    "status:api_status": "status",
    "status:api_summary": "summary",
    "status:api_components": "components",
    "status:api_incidents": "incidents",
    "status:api_incidents_unresolved": "unresolved",
    "status:api_maintenances": "maintenances",
    "status:api_maintenances_upcoming": "upcoming",
    "status:api_maintenances_active": "active",
}


class StatusJsonFastPath:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._paths: dict[str, str] | None = None

    def paths(self) -> dict[str, str]:
        if self._paths is None:  # not in __init__: the URLconf may not be loaded yet
            self._paths = {reverse(url_name): name for url_name, name in CACHED_JSON.items()}
        return self._paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = self.paths().get(request.path_info) if request.method == "GET" else None
        if name is None:
            return self.get_response(request)
        request.get_host()  # DisallowedHost for a forged Host header, as CommonMiddleware would
        body = cache.peek(f"api:{name}")
        if body is None:
            return self.get_response(request)
        from incidents.api import CORS_HEADERS

        response = HttpResponse(body, content_type="application/json")
        for header, value in CORS_HEADERS.items():
            response[header] = value
        return response
