"""Monitoring's alert intake: Alertmanager's webhook and a PagerDuty Events API v2 compatible endpoint.

Only a service key gets in (people have the desk and the other routes). The
rules are ``monitoring.services``'; these views read the body and answer in
the sender's own terms: Alertmanager only looks at the status code, PagerDuty
clients at ``status``, ``message``, ``errors`` and ``dedup_key``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.authentication import ServiceKeyAuthentication
from api.exceptions import error_body
from api.permissions import IsServiceKey
from api.serializers import ErrorDetailSerializer
from api.views import ApiView
from monitoring.models import ServiceKey
from monitoring.payloads import ALERTMANAGER, PAGERDUTY, PayloadError
from monitoring.services import payload_receive, service_key_authenticate


class RoutingKeyAuthentication(ServiceKeyAuthentication):
    """PagerDuty's clients send their key as ``routing_key`` in the body, and no header: so an integration needs only our URL."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        found = super().authenticate(request)
        if found is not None:
            return found
        try:
            data = request.data
        except (exceptions.ParseError, exceptions.UnsupportedMediaType):
            return None  # not an event: whoever sent it is asked for credentials of another kind
        key = data.get("routing_key") if isinstance(data, dict) else None
        if not isinstance(key, str):
            return None
        service_key = service_key_authenticate(key=key)
        return None if service_key is None else (AnonymousUser(), service_key)


class RoutingKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular's registration hook has no annotations
    target_class = "api.monitoring.RoutingKeyAuthentication"
    name = "serviceKeyOrRoutingKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "sdk_<secret>",
            "description": "A monitoring system's service key, as a bearer or as the event's `routing_key`.",
        }


def _body(request: Request) -> tuple[Any, str]:
    """The parsed body, or (None, the raw text) when it is not JSON: kept either way."""
    try:
        return request.data, ""
    except exceptions.ParseError:
        return None, request.body.decode(errors="replace") or " "


# --- Schemas ----------------------------------------------------------------------------------


class _AlertmanagerAlert(serializers.Serializer[Any]):
    status = serializers.RegexField("^(firing|resolved)$", help_text="firing or resolved")
    labels = serializers.DictField(child=serializers.CharField())
    annotations = serializers.DictField(child=serializers.CharField(), required=False)
    startsAt = serializers.DateTimeField(required=False)
    endsAt = serializers.DateTimeField(required=False)
    generatorURL = serializers.CharField(required=False)
    fingerprint = serializers.CharField(max_length=255)


class AlertmanagerPayloadSerializer(serializers.Serializer[Any]):
    version = serializers.ChoiceField(choices=["4"])
    groupKey = serializers.CharField(required=False)
    status = serializers.RegexField("^(firing|resolved)$", required=False)
    receiver = serializers.CharField(required=False)
    alerts = _AlertmanagerAlert(many=True)


class AlertOutcomeSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="The alert's fingerprint (or dedup_key).")
    action = serializers.CharField()
    state = serializers.CharField(allow_null=True)
    notice = serializers.CharField(allow_null=True, help_text="The notice's ticket reference.")
    incident = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()


class AlertmanagerAnswerSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    alerts = AlertOutcomeSerializer(many=True)


class _PagerDutyPayload(serializers.Serializer[Any]):
    summary = serializers.CharField(max_length=1024)
    source = serializers.CharField()  # type: ignore[assignment]  # PagerDuty's field name; DRF collects it as a field, leaving Field.source alone
    severity = serializers.ChoiceField(choices=["critical", "error", "warning", "info"])
    timestamp = serializers.DateTimeField(required=False)
    component = serializers.CharField(required=False)
    group = serializers.CharField(required=False)
    custom_details = serializers.DictField(required=False)


class PagerDutyEventSerializer(serializers.Serializer[Any]):
    routing_key = serializers.CharField(required=False, help_text="The service key, when it is not sent as a bearer.")
    event_action = serializers.ChoiceField(choices=["trigger", "acknowledge", "resolve"])
    dedup_key = serializers.CharField(required=False, max_length=255)
    payload = _PagerDutyPayload(required=False)


class PagerDutyAnswerSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    message = serializers.CharField()
    dedup_key = serializers.CharField()


class PagerDutyErrorSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    message = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]  # PagerDuty's field name; DRF collects it as a field, leaving Serializer.errors alone
    error = ErrorDetailSerializer(help_text="The same, in the API's own error format.")


# --- Views ------------------------------------------------------------------------------------


class AlertmanagerWebhookView(ApiView):
    permission_classes = [IsServiceKey]

    @extend_schema(
        operation_id="monitoring_alertmanager",
        summary="Prometheus Alertmanager's webhook (version 4)",
        description="Point a webhook receiver here with the service key as `http_config.authorization` credentials. "
        "Each alert is handled on its own, by its fingerprint: re-sent and repeated alerts change nothing.",
        request=AlertmanagerPayloadSerializer,
        responses={200: AlertmanagerAnswerSerializer},
    )
    def post(self, request: Request) -> Response:
        body, raw = _body(request)
        try:
            assert isinstance(request.auth, ServiceKey)  # IsServiceKey let the request in
            receipt = payload_receive(service_key=request.auth, source=ALERTMANAGER, body=body, raw=raw)
        except PayloadError as error:
            return Response(
                error_body(
                    "validation_error",
                    _("This is not an Alertmanager webhook payload (version 4)."),
                    {"alerts": error.errors},
                ),
                status=status.HTTP_400_BAD_REQUEST,
            )
        answer = {"status": "error" if receipt.failed else "success", "alerts": [o.as_dict() for o in receipt.outcomes]}
        if receipt.failed:
            answer["error"] = error_body("server_error", _("Some alerts could not be handled; send them again."))["error"]
        return Response(answer, status=receipt.payload.status_code)


class PagerDutyEventsView(ApiView):
    authentication_classes = [RoutingKeyAuthentication, *api_settings.DEFAULT_AUTHENTICATION_CLASSES[1:]]  # type: ignore[list-item]  # api_settings imports the dotted names as classes; the stubs type the raw setting
    permission_classes = [IsServiceKey]

    @extend_schema(
        operation_id="monitoring_pagerduty_events",
        summary="PagerDuty Events API v2 compatible: trigger, acknowledge, resolve",
        description="Send what you send to `https://events.pagerduty.com/v2/enqueue`, here, with the service key as "
        "`routing_key` (or as a bearer). Answers as PagerDuty does: 202 with the `dedup_key`; 400 `invalid event`.",
        request=PagerDutyEventSerializer,
        responses={202: PagerDutyAnswerSerializer, 400: PagerDutyErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        body, raw = _body(request)
        try:
            assert isinstance(request.auth, ServiceKey)  # IsServiceKey let the request in
            receipt = payload_receive(service_key=request.auth, source=PAGERDUTY, body=body, raw=raw)
        except PayloadError as error:
            message = _("Event object is invalid")
            return Response(
                {
                    "status": "invalid event",
                    "message": message,
                    "errors": error.errors,
                    "error": error_body("validation_error", message, {"event": error.errors})["error"],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        outcome = receipt.outcomes[0]
        if receipt.failed:
            return Response(
                {
                    "status": "error",
                    "message": _("The event could not be handled; send it again."),
                    "error": error_body("server_error", _("The event could not be handled; send it again."))["error"],
                },
                status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            )
        return Response(
            {"status": "success", "message": "Event processed", "dedup_key": outcome.key},
            status=status.HTTP_202_ACCEPTED,
        )
