"""One error format for every API error: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with a different request."


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, inner in value.items() for message in _messages(inner)]
    if isinstance(value, list):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def _fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError, keyed as the API's fields are."""
    if hasattr(exc, "error_dict"):
        detail: Any = {("non_field_errors" if key == "__all__" else key): list(messages) for key, messages in exc.message_dict.items()}
    else:
        detail = {"non_field_errors": exc.messages}
    return exceptions.ValidationError(detail)


_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ParseError: "parse_error",
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: a 500, logged by Django
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("validation_error", _("Some fields are not valid."), _fields(exc.detail))
    else:
        code = str(_CODES.get(type(exc)) or getattr(exc, "default_code", "error"))
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        message = " ".join(_messages(detail)) if not isinstance(detail, str) else detail
        body = error_body(code, message)
    response.data = body
    return response
