"""Rate limits per token (or per signed-in user), configurable in the settings."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from monitoring.models import ServiceKey


class PerTokenRateThrottle(SimpleRateThrottle):
    """Each token and service key has its own allowance; a browser session shares its user's; anonymous callers their address's."""

    scope = "api"

    def get_rate(self) -> str | None:
        # Read at each request rather than at import, so that a settings change applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[return-value]  # the rates are "N/period" strings; the stubs type them as numbers

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif isinstance(request.auth, ServiceKey):
            ident = f"service-key-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
