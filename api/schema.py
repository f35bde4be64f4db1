"""OpenAPI details the generator cannot guess: the two credentials and the error answers of every operation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular's registration hook has no annotations
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "sdk_<prefix>_<secret>",
            "description": "A personal API token, created under Portal → API tokens or Desk → API tokens.",
        }


class ServiceKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular's registration hook has no annotations
    target_class = "api.authentication.ServiceKeyAuthentication"
    name = "serviceKey"

    def get_security_requirement(  # type: ignore[override]  # drf-spectacular skips a scheme answering None; its annotation leaves None out
        self,
        auto_schema: Any,
    ) -> dict[str, list[Any]] | None:
        from api.permissions import admits_service_keys

        # Listed only where a service key is let in: everywhere else it gets 403.
        return {self.name: []} if admits_service_keys(auto_schema.view) else None

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "sdk_<secret>",
            "description": "A monitoring system's service key, created by an admin under Admin → Service keys. "
            "It may raise proactive notices and status-page incidents, post incident updates and read components; "
            "nothing else.",
        }


ERROR_CODES = ("400", "401", "403", "404", "429")


class ApiAutoSchema(AutoSchema):
    """Every operation documents the one error format for the errors it can answer."""

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        from api.serializers import ErrorSerializer

        codes = list(ERROR_CODES)
        if self.method == "POST":
            codes.append("422")
        for code in codes:
            responses.setdefault(
                code,
                self._get_response_for_code(  # type: ignore[no-untyped-call]  # drf-spectacular leaves it unannotated
                    ErrorSerializer,
                    code,
                    direction=direction,
                ),
            )
        return responses

    def _get_response_headers_for_code(self, status_code: Any, direction: str = "response") -> dict[str, Any]:
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "429":
            headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}
        return headers
