"""Proactive notices, status-page incidents and components: for support staff and monitoring's service keys.

Customers never reach these routes (403). A service key raises notices and
incidents, posts incident updates and reads components; it reads back only
the notices it raised itself. The rules are the services'
(``notices.services``, ``incidents.publishing``); these views translate.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from accounts.models import User
from api import status_serializers as s
from api.idempotency import idempotent
from api.permissions import IsSupportStaff, IsSupportStaffOrServiceKey, is_service_key
from api.views import ID_SCHEMA, IDEMPOTENCY_KEY, ApiView, service_errors
from incidents import publishing
from incidents.models import Component, Incident, IncidentUpdate
from incidents.support_selectors import (
    components_by_id,
    components_for_support,
    incident_get_for_support,
    incident_updates_of,
    incidents_for_support,
)
from monitoring.models import ServiceKey
from notices.models import Notice
from notices.selectors import mail_states_of, notices_raised_with, notices_visible_to
from notices.services import notice_raise, notice_update_post

NOTICE_ID = OpenApiParameter("notice_id", ID_SCHEMA, OpenApiParameter.PATH)
INCIDENT_ID = OpenApiParameter("incident_id", ID_SCHEMA, OpenApiParameter.PATH)
NOTICE_IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Or the idempotency_key field. A retry with the same key and body gets the first answer; the same "
    "key with another body gets 422.",
)


class StatusApiView(ApiView):
    permission_classes = [IsSupportStaffOrServiceKey]


# --- Notices -------------------------------------------------------------------------------------


def _person(request: Request) -> User:
    """Who sent a request that no service key sent: these views let in only support staff besides."""
    assert isinstance(request.user, User)
    return request.user


def _notices(request: Request) -> QuerySet[Notice]:
    if isinstance(request.auth, ServiceKey):
        return notices_raised_with(service_key=request.auth)
    return notices_visible_to(_person(request))


def _notice_idempotency_key(request: Request) -> str:
    header = request.headers.get("Idempotency-Key", "").strip()
    field = request.data.get("idempotency_key") if isinstance(request.data, dict) else None
    field = field.strip() if isinstance(field, str) else ""
    if header and field and header != field:
        raise exceptions.ValidationError({"idempotency_key": [_("The Idempotency-Key header and the idempotency_key field differ.")]})
    key = header or field
    if len(key) > 200:
        raise exceptions.ValidationError({"idempotency_key": [_("Use a key of at most 200 characters.")]})
    return key


def _notice_body(notices: list[Notice]) -> list[dict[str, Any]]:
    return s.NoticeSerializer(  # type: ignore[return-value]  # many=True gives a list; the stubs type .data as one dict
        notices,
        many=True,
        context={"mail_states": mail_states_of(notices)},
    ).data


@extend_schema_view(
    get=extend_schema(
        operation_id="notices_list",
        summary="Proactive notices",
        description="Support staff see every notice; a service key the notices it raised.",
    )
)
class NoticeListView(StatusApiView, generics.ListAPIView[Notice]):
    serializer_class = s.NoticeSerializer

    def get_queryset(self) -> QuerySet[Notice]:
        return _notices(self.request).order_by("-created_at", "-id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(_notice_body(list(page or [])))

    @extend_schema(
        operation_id="notices_create",
        summary="Raise an alert or a warning for one organisation",
        description="It becomes a ticket whose requester is the organisation's registered emergency contact, with the "
        "other emergency contacts in copy. Alerts are mailed at once; warnings in the organisation's business hours.",
        request=s.NoticeCreateSerializer,
        responses={201: s.NoticeSerializer, 200: s.NoticeSerializer},
        parameters=[NOTICE_IDEMPOTENCY_KEY],
    )
    @idempotent(key_of=_notice_idempotency_key)
    def post(self, request: Request) -> Response:
        service_key = request.auth if isinstance(request.auth, ServiceKey) else None
        actor = None if service_key else _person(request)
        idempotency_key = _notice_idempotency_key(request)
        data = s.NoticeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            notice, created = notice_raise(
                organisation=values["organisation"],
                kind=values["kind"],
                area=values["area"],
                environment=values["environment"],
                title=values["title"],
                description=values["description"],
                call_to_action=values["call_to_action"],
                actor=actor,
                service_key=service_key,
                idempotency_key=idempotency_key,
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(_notice_body([notice])[0], status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(get=extend_schema(operation_id="notices_retrieve", summary="One notice", parameters=[NOTICE_ID]))
class NoticeDetailView(StatusApiView, generics.RetrieveAPIView[Notice]):
    serializer_class = s.NoticeSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notice = _notices(request).filter(pk=self.kwargs["notice_id"]).first()
        if notice is None:
            raise exceptions.NotFound
        return Response(_notice_body([notice])[0])


class NoticeUpdateView(ApiView):
    permission_classes = [IsSupportStaff]

    @extend_schema(
        operation_id="notices_updates_create",
        summary="Post an update on a notice (support staff)",
        description="A public reply on the notice's ticket, mailed to the same people in the same thread, with the "
        "notice's delivery policy.",
        request=s.NoticeUpdateCreateSerializer,
        responses={201: s.NoticeUpdateSerializer},
        parameters=[NOTICE_ID, IDEMPOTENCY_KEY],
    )
    @idempotent
    def post(self, request: AuthenticatedRequest, notice_id: int) -> Response:
        notice = _notices(request).filter(pk=notice_id).first()
        if notice is None:
            raise exceptions.NotFound
        data = s.NoticeUpdateCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            update = notice_update_post(notice=notice, actor=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(s.NoticeUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


# --- Incidents and components ---------------------------------------------------------------


def _impacts(items: list[dict[str, Any]]) -> dict[Component, str]:
    """[{id, impact}] as the service's {component: impact}; an unknown id is a field error."""
    found = components_by_id(ids=[item["id"] for item in items])
    missing = sorted({item["id"] for item in items} - set(found))
    if missing:
        raise exceptions.ValidationError(
            {"components": [_("No component has the id %(ids)s.") % {"ids": ", ".join(map(str, missing))}]}
        )
    return {found[item["id"]]: item["impact"] for item in items}


def _actor(request: Request) -> dict[str, Any]:
    """Who acts, in the words of incidents.publishing: an agent, or the service key by its name."""
    if isinstance(request.auth, ServiceKey):
        return {"actor": None, "actor_label": request.auth.name}
    return {"actor": request.user, "actor_label": ""}


@extend_schema_view(
    get=extend_schema(
        operation_id="incidents_list",
        summary="Status-page incidents and maintenance windows, published or not",
    )
)
class IncidentListView(StatusApiView, generics.ListAPIView[Incident]):
    serializer_class = s.IncidentSerializer

    def get_queryset(self) -> QuerySet[Incident]:
        return incidents_for_support()

    @extend_schema(
        operation_id="incidents_create",
        summary="Open an incident",
        description="Raised by a service key, it is published once it has lasted 30 minutes and is still open, or at "
        "once when its cause is a code change. Support staff may publish at once (`publish_now`).",
        request=s.IncidentCreateSerializer,
        responses={201: s.IncidentSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = s.IncidentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        by_machine = is_service_key(request)
        if by_machine and values["publish_now"]:
            raise exceptions.ValidationError(
                {"publish_now": [_("Only support staff publish before the 30 minutes; monitoring's incidents follow the rules.")]}
            )
        try:
            incident = publishing.incident_create(
                title=values["title"],
                message=values["message"],
                market=values["market"],
                cause=values["cause"],
                status=values["status"],
                components=_impacts(values["components"]),
                detected_at=values["detected_at"],
                source=Incident.Source.MONITORING if by_machine else Incident.Source.AGENT,
                created_by=None if by_machine else _person(request),
                publish_now=values["publish_now"],
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        body = s.IncidentSerializer(incident_get_for_support(incident_id=incident.pk)).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": f"/api/v1/incidents/{incident.pk}/"})


@extend_schema_view(get=extend_schema(operation_id="incidents_retrieve", summary="One incident", parameters=[INCIDENT_ID]))
class IncidentDetailView(StatusApiView, generics.RetrieveAPIView[Incident]):
    serializer_class = s.IncidentSerializer

    def get_object(self) -> Incident:
        return incident_get_for_support(incident_id=self.kwargs["incident_id"])


@extend_schema_view(
    get=extend_schema(
        operation_id="incidents_updates_list",
        summary="An incident's public updates, newest first",
        parameters=[INCIDENT_ID],
    )
)
class IncidentUpdateListView(StatusApiView, generics.ListAPIView[IncidentUpdate]):
    serializer_class = s.IncidentUpdateSerializer

    def get_queryset(self) -> QuerySet[IncidentUpdate]:
        return incident_updates_of(incident=incident_get_for_support(incident_id=self.kwargs["incident_id"]))

    @extend_schema(
        operation_id="incidents_updates_create",
        summary="Post an update: its status, its words, component impacts",
        description="`resolved` (or `completed` for maintenance) closes it. Subscribers hear of it once it is public.",
        request=s.IncidentUpdatePostSerializer,
        responses={201: s.IncidentUpdateSerializer},
        parameters=[INCIDENT_ID, IDEMPOTENCY_KEY],
    )
    @idempotent
    def post(self, request: Request, incident_id: int) -> Response:
        incident = incident_get_for_support(incident_id=incident_id)
        data = s.IncidentUpdatePostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            update = publishing.incident_update_post(
                incident=incident,
                status=values["status"],
                message=values["message"],
                components=_impacts(values["components"]),
                **_actor(request),
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(s.IncidentUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


class IncidentPublishView(ApiView):
    permission_classes = [IsSupportStaff]

    @extend_schema(
        operation_id="incidents_publish",
        summary="Publish now, before the 30 minutes (support staff)",
        request=None,
        responses={200: s.IncidentSerializer},
        parameters=[INCIDENT_ID, IDEMPOTENCY_KEY],
    )
    @idempotent
    def post(self, request: AuthenticatedRequest, incident_id: int) -> Response:
        incident = incident_get_for_support(incident_id=incident_id)
        try:
            publishing.incident_publish(incident=incident, actor=request.user, reason=_("Published through the API."))
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(s.IncidentSerializer(incident_get_for_support(incident_id=incident_id)).data)


@extend_schema_view(get=extend_schema(operation_id="components_list", summary="Status-page components, to name in incidents"))
class ComponentListView(StatusApiView, generics.ListAPIView[Component]):
    serializer_class = s.ComponentSerializer

    def get_queryset(self) -> QuerySet[Component]:
        return components_for_support()
