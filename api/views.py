"""The REST API, version 1. Every object is reached through the same selectors as the pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, generics, parsers, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.http import AuthenticatedRequest
from accounts.models import User
from api import serializers as s
from api.exceptions import django_validation_to_drf
from api.filters import TicketFilter, TicketSearch
from api.idempotency import idempotent
from api.permissions import IsAuthenticatedPerson, IsSupportStaff
from audit import access_log
from audit.models import AccessRecord
from customers.models import Contact, Environment, Organisation
from customers.selectors import contact_get_for, contacts_of, is_organisation_admin, organisation_of, organisations_visible_to
from customers.services import contact_create, contact_remove, contact_update
from sla.models import Severity
from tickets import workflow
from tickets.attachments import PREVIEWABLE_TYPES, attachment_response
from tickets.filing import ticket_file
from tickets.merging import ticket_merge
from tickets.models import Attachment, Comment, Ticket, TicketEvent, TicketType
from tickets.selectors import (
    attachment_get_for,
    attachments_visible_to,
    comments_visible_to,
    ticket_get_for,
    tickets_visible_to,
    timeline_visible_to,
)
from tickets.services import attachments_add

ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2_147_483_647}
NUMBER = OpenApiParameter("number", ID_SCHEMA, OpenApiParameter.PATH, description="The ticket number (1042 in SD-1042).")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Retries with the same key and body get the first answer; the same key with another body gets 422.",
)


@method_decorator(login_not_required, name="dispatch")
class ApiView(generics.GenericAPIView[Any]):
    # Base of every API view: the API answers 401 itself rather than redirecting to the sign-in page.
    permission_classes = [IsAuthenticatedPerson]


def _invalid(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message]})


def service_errors(exc: DjangoValidationError, *, prefix: str = "") -> exceptions.ValidationError:
    error = django_validation_to_drf(exc)
    if prefix and isinstance(error.detail, dict):
        error.detail = {f"{prefix}{key}": value for key, value in error.detail.items()}
    return error


# --- Tickets --------------------------------------------------------------------------------


class TicketQuerysetMixin(ApiView):
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[Ticket]:
        return (
            tickets_visible_to(self.request.user)
            .select_related(
                "organisation",
                "ticket_type",
                "environment",
                "assignee",
                "requester_user",
                "requester_contact",
            )
            .prefetch_related("tag_links__tag")
        )


@extend_schema_view(
    get=extend_schema(operation_id="tickets_list", summary="List the tickets you may see"),
)
class TicketListView(TicketQuerysetMixin, ApiView, generics.ListAPIView[Ticket]):
    serializer_class = s.TicketSerializer
    filter_backends = [DjangoFilterBackend, TicketSearch, filters.OrderingFilter]
    filterset_class = TicketFilter
    search_fields = ["summary", "description"]  # named for the schema; TicketSearch decides
    ordering_fields = ["created_at", "updated_at", "number", "severity"]
    ordering = ["-created_at"]

    @extend_schema(
        operation_id="tickets_create",
        summary="File a ticket",
        request=s.TicketCreateSerializer,
        responses={201: s.TicketSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent
    def post(self, request: AuthenticatedRequest) -> Response:
        data = s.TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = _ticket_file(user=request.user, **data.validated_data)
        body = s.TicketSerializer(ticket, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": f"/api/v1/tickets/{ticket.number}/"})


def _ticket_file(
    *,
    user: User,
    type: str,
    summary: str,
    description: str,
    severity: int | None,
    environment: str,
    details: dict[str, Any],
    organisation: str | None = None,
) -> Ticket:
    """Translate the API's words (slugs, account ids, names) into objects, then file through the service."""
    if user.is_support_staff:
        if not organisation:
            raise _invalid("organisation", _("Support staff must say for which organisation (its account id)."))
        found = organisations_visible_to(user).filter(account_id=organisation).first()
        if found is None:
            raise _invalid("organisation", _("No organisation has this account id."))
        types = TicketType.objects.filter(active=True)
    else:
        found = organisation_of(user)
        if found is None:
            raise exceptions.PermissionDenied(_("Your account belongs to no organisation."))
        if organisation and organisation != found.account_id:
            raise _invalid("organisation", _("You can file tickets for your own organisation only."))
        types = TicketType.objects.filter(active=True, customer_can_file=True)
    ticket_type = types.filter(slug=type).first()
    if ticket_type is None:
        raise _invalid("type", _("There is no type of request “%(slug)s”.") % {"slug": type})
    severity_obj = None
    if ticket_type.asks_severity:
        if severity is None:
            raise _invalid("severity", _("Choose a severity from 1 (critical) to 5 (cosmetic)."))
        severity_obj = Severity.objects.filter(level=severity).first()
        if severity_obj is None:
            raise _invalid("severity", _("Choose a severity from 1 (critical) to 5 (cosmetic)."))
    elif severity is not None:
        raise _invalid("severity", _("This type of request has no severity."))
    environment_obj = None
    if environment:
        environment_obj = Environment.objects.filter(organisation=found, name=environment).first()
        if environment_obj is None:
            raise _invalid("environment", _("Your organisation has no environment “%(name)s”.") % {"name": environment})
    requester_contact = None
    requester_user: User | None = user
    if user.is_support_staff:
        requester_contact = found.registered_emergency_contact
        requester_user = None if requester_contact else user
    try:
        return ticket_file(
            organisation=found,
            ticket_type=ticket_type,
            summary=summary,
            description=description,
            requester_user=requester_user,
            requester_contact=requester_contact,
            severity=severity_obj,
            environment=environment_obj,
            details=details,
            actor=user,
            via=Comment.Via.API,
        )
    except DjangoValidationError as exc:
        raise service_errors(exc, prefix="details.") from exc


@extend_schema_view(
    get=extend_schema(operation_id="tickets_retrieve", summary="One ticket", parameters=[NUMBER]),
)
class TicketDetailView(TicketQuerysetMixin, ApiView, generics.RetrieveAPIView[Ticket]):
    serializer_class = s.TicketSerializer
    lookup_field = "number"

    def get_object(self) -> Ticket:
        return ticket_get_for(user=self.request.user, number=self.kwargs["number"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ticket = self.get_object()
        access_log.access_record(
            request=request,
            actor=request.user,
            organisation=ticket.organisation,
            action=AccessRecord.Action.TICKET_VIEWED,
            ticket=ticket,
        )
        return Response(self.get_serializer(ticket).data)

    @extend_schema(
        operation_id="tickets_update",
        summary="Change a ticket",
        description="Customers may only close (`status: closed`). Support staff change the status, "
        "the severity (with `severity_reason`) and the assignee.",
        request=s.TicketUpdateSerializer,
        responses={200: s.TicketSerializer},
        parameters=[NUMBER],
    )
    def patch(self, request: AuthenticatedRequest, number: int) -> Response:
        ticket = self.get_object()
        data = s.TicketUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {key: value for key, value in data.validated_data.items() if key in request.data}
        try:
            with transaction.atomic():
                _ticket_update(ticket=ticket, user=request.user, changes=changes)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        ticket = ticket_get_for(user=request.user, number=number)
        return Response(s.TicketSerializer(ticket, context=self.get_serializer_context()).data)


class TicketMergeView(ApiView):
    """Merge this ticket (the duplicate) into another of the same organisation; support staff only."""

    permission_classes = [IsSupportStaff]

    @extend_schema(
        operation_id="tickets_merge",
        summary="Merge a duplicate into another ticket",
        description="Comments, attachments and copies move to `into`; this ticket closes with a public note "
        "pointing there. Both tickets must belong to the same organisation.",
        request=s.TicketMergeSerializer,
        responses={200: s.TicketSerializer},
        parameters=[NUMBER],
    )
    def post(self, request: AuthenticatedRequest, number: int) -> Response:
        data = s.TicketMergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        duplicate = ticket_get_for(user=request.user, number=number)
        try:
            kept = ticket_get_for(user=request.user, number=data.validated_data["into"])
        except Http404 as exc:
            raise _invalid("into", _("There is no ticket with this number.")) from exc
        try:
            ticket_merge(duplicate=duplicate, kept=kept, actor=request.user)
        except DjangoValidationError as exc:
            raise _invalid("into", " ".join(exc.messages)) from exc
        kept = ticket_get_for(user=request.user, number=kept.number)
        return Response(s.TicketSerializer(kept, context=self.get_serializer_context()).data)


def _ticket_update(*, ticket: Ticket, user: User, changes: dict[str, Any]) -> None:
    reason = changes.get("reason", "")
    if not user.is_support_staff:
        forbidden = set(changes) - {"status", "reason"}
        if forbidden:
            raise exceptions.PermissionDenied(
                _("Customers may only close a ticket; not change %(fields)s.") % {"fields": ", ".join(sorted(forbidden))}
            )
        if "status" in changes and changes["status"] != Ticket.Status.CLOSED:
            raise _invalid("status", _("Customers may only close a ticket."))
    if "assignee" in changes:
        email = changes["assignee"]
        assignee = None
        if email:
            assignee = User.objects.filter(email__iexact=email, is_active=True).first()
            if assignee is None or not assignee.is_support_staff:
                raise _invalid("assignee", _("No agent has this email address."))
        workflow.ticket_assign(ticket=ticket, actor=user, assignee=assignee)
    if "severity" in changes:
        severity = Severity.objects.filter(level=changes["severity"]).first()
        if severity is None:
            raise _invalid("severity", _("Choose a severity from 1 (critical) to 5 (cosmetic)."))
        try:
            workflow.ticket_severity_change(
                ticket=ticket,
                actor=user,
                severity=severity,
                reason=changes.get("severity_reason", ""),
            )
        except DjangoValidationError as exc:
            if "reason" in getattr(exc, "message_dict", {}):
                raise DjangoValidationError({"severity_reason": exc.message_dict["reason"]}) from exc
            raise
    if "status" in changes:
        workflow.ticket_status_change(ticket=ticket, actor=user, status=changes["status"], reason=reason)


@extend_schema_view(
    get=extend_schema(operation_id="tickets_comments_list", summary="A ticket's comments", parameters=[NUMBER]),
)
class CommentListView(ApiView, generics.ListAPIView[Comment]):
    request: AuthenticatedRequest
    serializer_class = s.CommentSerializer

    def get_queryset(self) -> QuerySet[Comment]:
        ticket = ticket_get_for(user=self.request.user, number=self.kwargs["number"])
        return comments_visible_to(user=self.request.user, ticket=ticket)

    @extend_schema(
        operation_id="tickets_comments_create",
        summary="Comment on a ticket (support: reply or internal note)",
        request=s.CommentSerializer,
        responses={201: s.CommentSerializer},
        parameters=[NUMBER, IDEMPOTENCY_KEY],
    )
    @idempotent
    def post(self, request: AuthenticatedRequest, number: int) -> Response:
        ticket = ticket_get_for(user=request.user, number=number)
        data = s.CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = workflow.comment_add(
                ticket=ticket,
                author=request.user,
                body=data.validated_data["body"],
                is_internal=data.validated_data.get("is_internal", False),
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(operation_id="tickets_timeline_list", summary="A ticket's timeline", parameters=[NUMBER]),
)
class TimelineView(ApiView, generics.ListAPIView[TicketEvent]):
    request: AuthenticatedRequest
    serializer_class = s.TimelineEventSerializer

    def get_queryset(self) -> QuerySet[TicketEvent]:
        ticket = ticket_get_for(user=self.request.user, number=self.kwargs["number"])
        return timeline_visible_to(user=self.request.user, ticket=ticket)


# --- Attachments ---------------------------------------------------------------------------------

ATTACHMENT_ID = OpenApiParameter("attachment_id", ID_SCHEMA, OpenApiParameter.PATH)
COMMENT_ID = OpenApiParameter("comment_id", ID_SCHEMA, OpenApiParameter.PATH)


def _attachments_store(*, ticket: Ticket, user: User, data: Any, comment: Comment | None = None) -> list[Attachment]:
    upload = s.AttachmentUploadSerializer(data=data)
    upload.is_valid(raise_exception=True)
    try:
        return attachments_add(ticket=ticket, uploads=upload.validated_data["files"], uploaded_by=user, comment=comment)
    except DjangoValidationError as exc:
        # All or nothing: one refused file stores none of them.
        raise exceptions.ValidationError({"files": exc.messages}) from exc


def _attachments_body(attachments: list[Attachment], ticket: Ticket) -> Any:
    return s.AttachmentSerializer(attachments, many=True, context={"ticket": ticket}).data


UPLOAD_REQUEST = {"multipart/form-data": s.AttachmentUploadSerializer}
UPLOAD_RESPONSES = {201: s.AttachmentSerializer(many=True)}


@extend_schema_view(
    get=extend_schema(operation_id="tickets_attachments_list", summary="A ticket's files", parameters=[NUMBER]),
)
class AttachmentListView(ApiView, generics.ListAPIView[Attachment]):
    request: AuthenticatedRequest
    serializer_class = s.AttachmentSerializer
    parser_classes = [parsers.MultiPartParser]

    def get_queryset(self) -> QuerySet[Attachment]:
        self.ticket = ticket_get_for(user=self.request.user, number=self.kwargs["number"])
        return attachments_visible_to(user=self.request.user, ticket=self.ticket)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "ticket": self.ticket}

    @extend_schema(
        operation_id="tickets_attachments_create",
        summary="Attach files to a ticket",
        description="Multipart, the files under `files`. The portal's limits apply: size, number, and no programs or "
        "scripts (decided from the first bytes as well as the name).",
        parameters=[NUMBER, IDEMPOTENCY_KEY],
        request=UPLOAD_REQUEST,
        responses=UPLOAD_RESPONSES,
    )
    @idempotent
    def post(self, request: AuthenticatedRequest, number: int) -> Response:
        ticket = ticket_get_for(user=request.user, number=number)
        with transaction.atomic():
            stored = _attachments_store(ticket=ticket, user=request.user, data=request.data)
        return Response(_attachments_body(stored, ticket), status=status.HTTP_201_CREATED)


class CommentAttachmentView(ApiView):
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        operation_id="tickets_comments_attachments_create",
        summary="Attach files to your own comment",
        parameters=[NUMBER, COMMENT_ID, IDEMPOTENCY_KEY],
        request=UPLOAD_REQUEST,
        responses=UPLOAD_RESPONSES,
    )
    @idempotent
    def post(self, request: AuthenticatedRequest, number: int, comment_id: int) -> Response:
        ticket = ticket_get_for(user=request.user, number=number)
        comment = comments_visible_to(user=request.user, ticket=ticket).filter(pk=comment_id).first()
        if comment is None:
            raise exceptions.NotFound
        if comment.author_id != request.user.pk:
            raise exceptions.PermissionDenied(_("You can attach files only to your own comments."))
        with transaction.atomic():
            stored = _attachments_store(ticket=ticket, user=request.user, data=request.data, comment=comment)
        return Response(_attachments_body(stored, ticket), status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="tickets_attachments_retrieve",
        summary="One file's details",
        parameters=[NUMBER, ATTACHMENT_ID],
    )
)
class AttachmentDetailView(ApiView, generics.RetrieveAPIView[Attachment]):
    request: AuthenticatedRequest
    serializer_class = s.AttachmentSerializer

    def get_object(self) -> Attachment:
        attachment = attachment_get_for(
            user=self.request.user, number=self.kwargs["number"], attachment_id=self.kwargs["attachment_id"]
        )
        self.ticket = attachment.ticket
        return attachment

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "ticket": getattr(self, "ticket", None)}


DOWNLOAD_TYPES = sorted({*PREVIEWABLE_TYPES, "application/octet-stream"})


class AttachmentDownloadView(ApiView):
    @extend_schema(
        operation_id="tickets_attachments_download",
        summary="Download a file",
        description="Always a download (`Content-Disposition: attachment`) with `X-Content-Type-Options: nosniff`; "
        "only verified images keep their type, everything else is application/octet-stream.",
        parameters=[NUMBER, ATTACHMENT_ID],
        responses={(200, content_type): OpenApiTypes.BINARY for content_type in DOWNLOAD_TYPES},
    )
    def get(self, request: AuthenticatedRequest, number: int, attachment_id: int) -> FileResponse:
        attachment = attachment_get_for(user=request.user, number=number, attachment_id=attachment_id)
        access_log.access_record(
            request=request,
            actor=request.user,
            organisation=attachment.ticket.organisation,
            action=AccessRecord.Action.FILE_DOWNLOADED,
            ticket=attachment.ticket,
            object_label=attachment.original_name,
        )
        return attachment_response(attachment)


# --- Contacts ----------------------------------------------------------------------------------


class IsOrganisationAdmin(permissions.BasePermission):
    message = "Only your organisation's admins manage its contacts."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and is_organisation_admin(request.user))


CONTACT_ID = OpenApiParameter("contact_id", ID_SCHEMA, OpenApiParameter.PATH)


def _own_organisation(user: User) -> Organisation:
    organisation = organisation_of(user)
    if organisation is None:
        raise exceptions.PermissionDenied
    return organisation


@extend_schema_view(get=extend_schema(operation_id="contacts_list", summary="Your organisation's contacts"))
class ContactListView(ApiView, generics.ListAPIView[Contact]):
    request: AuthenticatedRequest
    serializer_class = s.ContactSerializer
    permission_classes = [IsAuthenticatedPerson, IsOrganisationAdmin]

    def get_queryset(self) -> QuerySet[Contact]:
        return contacts_of(organisation=_own_organisation(self.request.user))

    @extend_schema(
        operation_id="contacts_create",
        summary="Add a contact",
        request=s.ContactSerializer,
        responses={201: s.ContactSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent
    def post(self, request: AuthenticatedRequest) -> Response:
        data = s.ContactSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            contact = contact_create(organisation=_own_organisation(request.user), **data.validated_data)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(s.ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(operation_id="contacts_retrieve", summary="One contact", parameters=[CONTACT_ID]),
    patch=extend_schema(operation_id="contacts_update", summary="Change a contact", parameters=[CONTACT_ID]),
    delete=extend_schema(operation_id="contacts_delete", summary="Remove a contact", parameters=[CONTACT_ID]),
)
class ContactDetailView(ApiView, generics.RetrieveUpdateDestroyAPIView[Contact]):
    request: AuthenticatedRequest
    serializer_class = s.ContactSerializer
    permission_classes = [IsAuthenticatedPerson, IsOrganisationAdmin]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self) -> Contact:
        return contact_get_for(user=self.request.user, contact_id=self.kwargs["contact_id"])

    def perform_update(self, serializer: BaseSerializer[Contact]) -> None:
        contact = serializer.instance
        assert isinstance(contact, Contact)  # get_object() found it before the update began
        try:
            serializer.instance = contact_update(contact=contact, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc

    def perform_destroy(self, instance: Contact) -> None:
        try:
            contact_remove(contact=instance)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc


@extend_schema(exclude=True)
class NotFoundView(ApiView):
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound

    post = put = patch = delete = get
