"""API credentials: personal tokens (people) and service keys (monitoring systems).

Both arrive as ``Authorization: Bearer sdk_…``. A service key is no person:
the request stays anonymous and carries the key in ``request.auth``, so every
view refuses it unless its permission admits service keys by name.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.services import token_authenticate
from monitoring.services import service_key_authenticate


def _bearer(request: Request) -> str | None:
    parts = authentication.get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].decode(errors="replace").lower() != "bearer":
        return None
    return parts[1].decode(errors="replace")


class ServiceKeyAuthentication(authentication.BaseAuthentication):
    """A monitoring system's key; any other bearer is left to the personal-token check."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        key = _bearer(request)
        if key is None:
            return None
        service_key = service_key_authenticate(key=key)
        if service_key is None:
            return None
        return AnonymousUser(), service_key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer <key>”."))
        token = token_authenticate(key=parts[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid: it is wrong, revoked or expired."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
